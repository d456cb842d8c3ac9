"""The standard output of the commands: closed, full, or not UTF-8.

* An encoding that cannot hold every character (`PYTHONIOENCODING=cp1252`,
  latin-1, ascii; redirected output on Windows is cp1252): text output
  (traces, diagnostics, formatted flows) gets what the encoding can hold, each
  other character written as `?`; JSON output (`check --format json`,
  `simulate --format jsonl`) stays lossless: such a character is written as
  a JSON escape (`\\u2713`, a surrogate pair past U+FFFF), which every JSON
  reader turns back into the character.  UTF-8 output is written as it is.
* A closed standard output (`flowc check x.flow >&-`), a full one
  (`> /dev/full`) or any other write error: one line on standard error,
  `flowc: cannot write the output: <reason>`, and exit 2.  A closed pipe
  (`| head`) ends quietly with exit 1, as before.

`setup()` runs before a command, `for_json()` when a command prints JSON,
`finish()` after it (the last flush happens there, where an error can still
be reported, never in Python's shutdown).
"""
from __future__ import annotations

import codecs
import errno
import os
import sys

_JSON_ERRORS = "flowc-json-escape"


def _json_escape(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


codecs.register_error(_JSON_ERRORS, _json_escape)


class _Closed:
    """Standard output when its file descriptor was closed: every write fails."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _is_utf8(stream) -> bool:
    enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    return codecs.lookup(enc).name == "utf-8" if enc else False


def setup() -> None:
    """Before a command: a closed standard output fails on its first write;
    an encoding other than UTF-8 replaces what it cannot hold."""
    if sys.stdout is None:
        sys.stdout = _Closed()
        return
    if not _is_utf8(sys.stdout) and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")


def for_json() -> None:
    """The command prints JSON: characters the encoding cannot hold become JSON escapes."""
    if not _is_utf8(sys.stdout) and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors=_JSON_ERRORS)


def write_error(exc: OSError) -> str:
    """The one line for an output that cannot be written."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"flowc: cannot write the output: {reason}"


def finish() -> OSError | None:
    """Flush standard output; the error, if it cannot be written (then the
    stream is pointed at /dev/null, so that Python's own last flush is quiet)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
        return None
    except (OSError, ValueError) as exc:
        silence()
        return exc if isinstance(exc, OSError) else OSError(errno.EBADF, "standard output is closed")


def silence() -> None:
    """Point standard output at /dev/null (after an error writing it)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
