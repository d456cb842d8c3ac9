"""docs/diagnostics.md is in sync with the code: it documents exactly the
codes flowc produces, each code is produced by a case file (or by a targeted
test below, for the few that one small file cannot produce), and each
documented example produces its code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from flowc import limits
from flowc.check import check
from flowc.diagnostics import Diagnostics, Severity
from flowc.lower import MAX_FILE_BYTES, load
from support import ROOT

from check_cases import CASES, expectations

DOC = ROOT / "docs" / "diagnostics.md"
SRC = ROOT / "src" / "flowc"

#: Codes no single small case file can produce, each with its own test here.
NOT_IN_CASES = {
    "F005": "a file over 4 MiB, or more than 500 files",
    "F007": "a file that is not UTF-8 (case files are UTF-8 text)",
    "F010": "a list of more than 10,000 items",
    "F505": "more than 10,000 records in one scenario",
}

_HEADING = re.compile(r"^### (F\d{3})\s*$", re.M)


def doc_sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    marks = list(_HEADING.finditer(text))
    out = {}
    for m, nxt in zip(marks, marks[1:] + [None]):
        out[m.group(1)] = text[m.end():nxt.start() if nxt else len(text)]
    return out


def documented() -> set[str]:
    return set(doc_sections())


def produced_by_cases() -> set[str]:
    return {code for case in CASES for _, _, code, _ in expectations(case)}


def produced_by_source() -> set[str]:
    codes = set()
    for f in SRC.rglob("*.py"):  # the phases are packages
        codes.update(re.findall(r"""["'](F\d{3})["']""", f.read_text(encoding="utf-8")))
    return codes


def check_text(tmp_path: Path, text: str, name: str = "example.flow") -> Diagnostics:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    from flowc import suppress

    diags = Diagnostics(limit=100_000)
    project, modules = load([str(p)], diags)
    check(project, diags)
    return suppress.apply(diags, modules)


def test_every_documented_code_is_produced_by_a_case():
    assert documented() == produced_by_cases() | set(NOT_IN_CASES)


def test_the_doc_lists_the_codes_of_the_source():
    assert documented() == produced_by_source()


def test_codes_are_in_order_and_each_section_is_complete():
    codes = [m.group(1) for m in _HEADING.finditer(DOC.read_text(encoding="utf-8"))]
    assert codes == sorted(codes)
    for code, body in doc_sections().items():
        assert re.search(r"^\*\*[^*]+\*\* · (error|warning|note)$", body, re.M), f"{code}: title and severity"
        assert "**Fix:**" in body, f"{code}: how to fix it"
        assert f"[{code}](#{code.lower()})" in DOC.read_text(encoding="utf-8"), f"{code}: in the contents"


@pytest.mark.parametrize("code", sorted(doc_sections()))
def test_the_example_produces_its_code(code, tmp_path):
    body = doc_sections()[code]
    blocks = re.findall(r"```flow\n(.*?)```", body, re.S)
    if code in NOT_IN_CASES:
        assert not blocks
        return
    assert blocks, f"{code} has no example"
    diags = check_text(tmp_path, blocks[0])
    mine = [d for d in diags if d.code == code]
    assert mine, f"{code}: the example gives {[f'{d.code} {d.summary}' for d in diags]}"
    severity = re.search(r"· (error|warning|note)$", body, re.M).group(1)
    assert {str(d.severity) for d in mine} == {severity}
    others = [f"{d.code} {d.summary}" for d in diags if d.code != code]
    assert not others, f"{code}: the example also gives {others}: show one problem at a time"


def test_severities_match_the_cases():
    """The severity the doc gives each code is the one the cases expect."""
    doc = {code: re.search(r"· (error|warning|note)$", body, re.M).group(1)
           for code, body in doc_sections().items()}
    for case in CASES:
        for line, sev, code, _ in expectations(case):
            assert str(sev) == doc[code], f"{case.name}:{line}: {code} is {sev}, the doc says {doc[code]}"


# ------------------------------------------------------------------ codes without a case file

def test_f005_file_too_large(tmp_path):
    p = tmp_path / "huge.flow"
    p.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    diags = Diagnostics()
    load([str(p)], diags)
    assert [(d.code, d.severity) for d in diags] == [("F005", Severity.ERROR)]


def test_f007_not_utf8(tmp_path):
    p = tmp_path / "latin1.flow"
    p.write_bytes('pipeline p for deal {\n  stage s "Négociation"\n}\n'.encode("latin-1"))
    diags = Diagnostics()
    load([str(p)], diags)
    assert [(d.code, d.span.line) for d in diags] == [("F007", 2)]


def _list_flow(items: int) -> str:
    return ("entity deal {\n  amount: money\n}\npipeline p for deal {\n  stage s {\n"
            f"    robot r: notify responsible \"x\" if amount in [{', '.join(map(str, range(items)))}]\n"
            "  }\n  stage won success\n}\n")


def test_f010_list_too_long(tmp_path):
    n = limits.MAX_LIST_ITEMS
    diags = check_text(tmp_path, _list_flow(n + 1))
    assert [(d.code, d.severity, d.span.line) for d in diags] == [("F010", Severity.ERROR, 6)]
    d = next(iter(diags))
    assert d.summary == f"a list of more than {n:,} items"
    line = _list_flow(n + 1).split("\n")[5]
    assert line[d.span.column - 1] == "," and line[:d.span.column - 1].count(",") == n - 1


def test_f010_at_the_limit_is_fine(tmp_path):
    assert len(check_text(tmp_path, _list_flow(limits.MAX_LIST_ITEMS))) == 0


def test_f505_too_many_records(tmp_path):
    n = limits.MAX_RECORDS_PER_SCENARIO
    records = "".join(f"  record r{i}: deal in new\n" for i in range(n + 1))
    text = ("pipeline sales for deal {\n  stage new\n  stage won success\n}\n"
            "scenario big {\n  start 2026-03-09 09:00\n  run for 1 day\n" + records + "}\n")
    diags = check_text(tmp_path, text)
    assert [(d.code, d.span.line) for d in diags] == [("F505", 8 + n)]
    assert f"at most {n:,} records" in next(iter(diags)).detail


def test_f505_at_the_limit_is_fine(tmp_path):
    n = limits.MAX_RECORDS_PER_SCENARIO
    records = "".join(f"  record r{i}: deal in new\n" for i in range(n))
    text = ("pipeline sales for deal {\n  stage new\n  stage won success\n}\n"
            "scenario big {\n  start 2026-03-09 09:00\n  run for 1 day\n" + records + "}\n")
    assert len(check_text(tmp_path, text)) == 0
