"""`flowc fmt`: lay .flow files out canonically (the layout is in `flowc.fmt`).

This module owns reading and writing: standard input is read like a file
(`files.read_stdin`: at most the file size limit, a byte order mark and bad
UTF-8 reported as for a file) and the result written to standard output in UTF-8 whatever
its encoding (it is a flow file), and each file is rewritten atomically: the new text goes to a
temporary file in the same folder, which then replaces the file (its
permission bits kept).  A problem writing (a full disk, a read-only file or
folder, standard output closed or full) is a one-line message and exit 2;
the file is never left half-written.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile

import click

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def write_atomically(path: str, text: str) -> None:
    """Replace the file at `path` (a link: the file it points to) by `text`,
    in UTF-8, all at once.  Raises OSError with a message that names the file."""
    target = os.path.realpath(path)
    st = os.stat(target)
    if not st.st_mode & stat.S_IWUSR:
        raise PermissionError(f"{path} is read-only")
    folder = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".flowc-tmp", dir=folder)
    except OSError as e:
        raise OSError(f"cannot write in the folder of {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:  # not allowed (not the owner): the file becomes ours, as with any editor
            pass
        os.replace(tmp, target)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OSError(f"cannot write {path}: {e.strerror or e} (the file is unchanged)") from None


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", is_flag=True, help="Print what would change as a unified diff; change nothing.")
def fmt(paths, check_only, diff):
    """Lay out .flow files canonically (comments and strings are kept).

    Files are rewritten in place, each at once (a temporary file then
    renamed: never half-written); `-` reads standard input and writes the
    result to standard output.  Files with syntax errors are left alone."""
    import difflib

    from ..diagnostics import Diagnostics
    from ..files import collect_files, read_stdin
    from ..fmt import format_text
    from ..lower import read_file
    from ..report import print_diagnostics

    if paths == ("-",):
        diags = Diagnostics()
        text = read_stdin(diags)
        out = format_text(text, "<stdin>", diags) if text is not None else None
        if out is None:
            print_diagnostics(diags, {}, "short", False, ["<stdin>"], 50)
            sys.exit(EXIT_PROBLEMS)
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None:  # a flow is UTF-8, whatever the terminal's encoding
            sys.stdout.flush()
            stream.write(out.encode("utf-8"))
            stream.flush()
        else:
            click.echo(out, nl=False)
        sys.exit(EXIT_OK)
    files = collect_files(paths)
    diags = Diagnostics()
    changed, broken, failed = [], [], []
    for f in files:
        text = read_file(f, diags)
        if text is None:
            broken.append(f)
            continue
        out = format_text(text, f, diags)
        if out is None:
            broken.append(f)
            continue
        if out == text:
            continue
        if diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), out.splitlines(True),
                                                    f"a/{f}", f"b/{f}")), nl=False)
        elif not check_only:
            try:
                write_atomically(f, out)
            except OSError as e:
                click.echo(f"flowc fmt: {e}", err=True)
                failed.append(f)
                continue
        changed.append(f)
    if broken:
        print_diagnostics(diags, {}, "short", False, files, 50)
    for f in changed:
        click.echo(f"{'would reformat' if (check_only or diff) else 'reformatted'} {f}", err=True)
    if failed:
        sys.exit(EXIT_USAGE)
    if broken or ((check_only or diff) and changed):
        sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_OK)
