"""`flowc lsp` without the language server's packages: a clear message that
says what to install where (flowc comes from its source folder, not PyPI),
exit 2, no traceback."""
from __future__ import annotations

import subprocess
import sys

from support import subprocess_env


def test_missing_packages_say_what_to_install():
    code = ("import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None; "
            "sys.argv = ['flowc', 'lsp']; from flowc.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=subprocess_env(), stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "flowc lsp needs the language server packages" in proc.stderr
    assert f"{sys.executable} -m pip install '.[lsp]'" in proc.stderr
    assert "'flowc[lsp]'" not in proc.stderr


def test_the_requirements_are_the_lsp_extra():
    import tomllib

    from flowc.commands.lsp import lsp_requirements
    from support import ROOT

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["lsp"]
    got = lsp_requirements()
    assert got, "flowc's metadata is not readable: is flowc installed (pip install -e .)?"
    assert {r.split(">")[0].split("<")[0] for r in got} == {r.split(">")[0].split("<")[0] for r in extra}
