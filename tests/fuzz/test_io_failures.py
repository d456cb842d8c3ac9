"""`flowc fmt` under I/O failures (issue 13 item 3): whatever step of the
write fails (the temporary file cannot be made, the disk fills up after any
number of bytes, fsync, chmod or the rename fails) and with whatever error
(no space, I/O error, permission, read-only file system), the file keeps its
old content byte for byte, no temporary file is left behind, and the command
says so in one line and exits 2.  Deterministic in CI; `FLOWC_FUZZ=long`
runs more cases."""
from __future__ import annotations

import errno
import io
import os
import tempfile

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from flowc.cli import main
from fuzz_support import fuzz_settings

UNFORMATTED = ('timezone   "UTC"\nemployee ana\npipeline p for deal {\nstage s {\n'
               'robot r: notify responsible "{title} — ações" after 2h\n}\n}\n')
ERRORS = (errno.ENOSPC, errno.EIO, errno.EACCES, errno.EROFS, errno.EDQUOT)
STEPS = ("mkstemp", "write", "fsync", "chmod", "replace")


class _Full(io.FileIO):
    """A file that takes `room` bytes, then fails like a full disk."""

    room = 0
    code = errno.ENOSPC
    failed = False

    def write(self, data):
        if len(data) > self.room:
            _Full.failed = True
            super().write(bytes(data[:self.room]))
            raise OSError(self.code, os.strerror(self.code))
        self.room -= len(data)
        return super().write(data)


@fuzz_settings(ci_examples=40, long_share=0.02)
@given(st.sampled_from(STEPS), st.sampled_from(ERRORS), st.integers(0, 400), st.booleans())
def test_a_failed_write_leaves_the_file_whole(tmp_path_factory, step, code, room, crlf):
    folder = tmp_path_factory.mktemp("io")
    path = folder / "a.flow"
    original = (UNFORMATTED.replace("\n", "\r\n") if crlf else UNFORMATTED).encode("utf-8")
    path.write_bytes(original)

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    saved = {"mkstemp": tempfile.mkstemp, "fsync": os.fsync, "chmod": os.chmod, "replace": os.replace,
             "fdopen": os.fdopen}
    try:
        _Full.failed = False
        if step == "write":
            def fdopen(fd, mode="r", *args, **kwargs):
                f = _Full(fd, "wb", closefd=True)
                f.room, f.code = room, code
                return f
            os.fdopen = fdopen
        elif step == "mkstemp":
            tempfile.mkstemp = fail
        else:
            setattr(os, step, fail)
        r = CliRunner().invoke(main, ["fmt", str(path)], catch_exceptions=False)
    finally:
        tempfile.mkstemp = saved["mkstemp"]
        for name in ("fsync", "chmod", "replace", "fdopen"):
            setattr(os, name, saved[name])
    if step == "write" and not _Full.failed:
        assert r.exit_code == 0 and path.read_bytes() != original
        return  # everything fitted: nothing failed
    assert r.exit_code == 2, (step, r.output)
    assert path.read_bytes() == original
    assert sorted(p.name for p in folder.iterdir()) == ["a.flow"]
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("flowc fmt: ") and "Traceback" not in r.output
