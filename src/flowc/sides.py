"""The two versions `flowc diff` compares: each a file, a folder, or a path in
a git revision (`HEAD~1:flows/`, `main:examples/sales.flow`).

A revision is read with `git archive` (the `.flow` files of that commit,
into a temporary folder that `Side.close` removes): nothing is checked out
and the working tree is left alone.  A path in a revision is relative to the
top of the repository, as git reads it (`./x` and `../x` are relative to
the current folder).  Problems (no such path, not a git repository, an
unknown revision) raise `SideError` with a message for the user.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile

import attrs

#: git gets this long for one command (a revision of a big repository).
GIT_TIMEOUT = 300


class SideError(Exception):
    """A version that cannot be read; the message says why."""


@attrs.define
class Side:
    """One version: its label as given, the folder or file to load, and the
    temporary folder holding a revision's files (None for the working tree)."""
    label: str
    path: str
    temp: str | None = None

    def shown(self, text: str) -> str:
        """`text` with the temporary folder's paths written as `REV:path`."""
        if self.temp is None:
            return text
        rev = self.label.split(":", 1)[0]
        return text.replace(self.temp + os.sep, f"{rev}:")

    def close(self) -> None:
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None


def open_side(spec: str) -> Side:
    """The version `spec` names: a path that exists, else `REV:path`."""
    if os.path.exists(spec):
        return Side(spec, spec)
    rev, colon, path = spec.partition(":")
    if not colon or not rev:
        raise SideError(f"no such file or folder: {spec}")
    top, prefix = _repository()
    if _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top) is None:
        raise SideError(f'no such file or folder, and "{rev}" is not a revision of the git repository: {spec}')
    if path.startswith(("./", "../")) or path in (".", ".."):
        path = os.path.normpath(os.path.join(prefix, path))
    path = path.strip("/") or "."
    data = _git(["archive", "--format=tar", rev, "--", ":(glob)**/*.flow"], top, binary=True)
    temp = tempfile.mkdtemp(prefix="flowc-diff-")
    try:
        if data:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                    tar.extractall(temp, filter="data")
                else:  # pragma: no cover - git's own archive of its own files
                    tar.extractall(temp)
        target = os.path.normpath(os.path.join(temp, path))
        if not os.path.exists(target):
            raise SideError(f'"{path}" has no .flow file in revision {rev}')
    except (tarfile.TarError, OSError) as e:
        shutil.rmtree(temp, ignore_errors=True)
        raise SideError(f"cannot read {spec}: {e}") from None
    except SideError:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return Side(spec, target, temp)


def _repository() -> tuple[str, str]:
    """The top folder of the current git repository, and the current folder
    relative to it."""
    top = _git(["rev-parse", "--show-toplevel"], None)
    prefix = _git(["rev-parse", "--show-prefix"], None)
    if top is None or prefix is None:
        raise SideError("a revision (REV:path) needs a git repository, and this folder is not in one")
    return top.strip(), prefix.strip()


def _git(args: list[str], cwd: str | None, binary: bool = False):
    """git's output, or None when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise SideError("a revision (REV:path) needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise SideError(f"git {args[0]} took more than {GIT_TIMEOUT} seconds") from None
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")
