"""The documentation of each diagnostic code, read from docs/diagnostics.md
(`flowc explain F303`): the section under `### F303`, for a terminal.

The page ships inside the package (`flowc/docs/diagnostics.md`, see
pyproject.toml); in a source tree it is read from docs/.
"""
from __future__ import annotations

import re
from pathlib import Path

_CODE = re.compile(r"[Ff]\d{3}\Z")


def is_code(text: str) -> bool:
    return bool(_CODE.match(text))


def page_path() -> Path:
    """docs/diagnostics.md: inside the installed package, or in the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "docs" / "diagnostics.md", here.parent.parent / "docs" / "diagnostics.md"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("diagnostics.md not found next to the flowc package")


def sections() -> dict[str, str]:
    """Code -> the Markdown of its section (without the heading)."""
    text = page_path().read_text(encoding="utf-8")
    parts = re.split(r"^### (F\d{3})[ \t]*$", text, flags=re.M)
    out = {}
    for code, body in zip(parts[1::2], parts[2::2]):
        body = re.split(r"^#{1,3} ", body, maxsplit=1, flags=re.M)[0]  # up to the next heading
        out[code] = body.strip("\n")
    return out


def explain(code: str) -> str | None:
    """The documentation of a code for a terminal, or None for an unknown code:
    the title line first, code blocks indented instead of fenced."""
    body = sections().get(code.upper())
    if body is None:
        return None
    lines, fenced = [], False
    for line in body.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            lines.append("    " + line)
        else:
            lines.append(re.sub(r"\*\*(.+?)\*\*", r"\1", line))
    title = lines[0] if lines else ""
    return f"{code.upper()}: {title}\n" + "\n".join(lines[1:]).rstrip() + "\n"


def known() -> list[str]:
    return sorted(sections())
