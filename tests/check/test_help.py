"""Help that is right (issue 10 item 13): a backwards range of days, and a
time zone written as an offset from UTC."""
from __future__ import annotations

import pytest

from flowc.check import check
from flowc.diagnostics import Diagnostics
from flowc.lower import load


def diagnose(tmp_path, text: str):
    p = tmp_path / "x.flow"
    p.write_text(text, encoding="utf-8")
    diags = Diagnostics()
    project, _ = load([str(p)], diags)
    check(project, diags)
    return list(diags)


@pytest.mark.parametrize("days,help_", [
    ("sat-mon", "write sat-sun, mon"),
    ("fri-tue", "write fri-sun, mon-tue"),
    ("sun-mon", "write sun, mon"),
])
def test_a_backwards_range_of_days(tmp_path, days, help_):
    (d,) = diagnose(tmp_path, f"calendar c {{\n  hours {days} 09:00-18:00\n}}\n")
    assert d.code == "F214" and [n.message for n in d.notes] == [help_]


@pytest.mark.parametrize("zone,etc,city", [
    ("UTC+1", "Etc/GMT-1", "Europe/Paris"),
    ("GMT-3", "Etc/GMT+3", "America/Sao_Paulo"),
    ("UTC+05:30", None, "Asia/Kolkata"),
])
def test_an_offset_is_not_a_time_zone(tmp_path, zone, etc, city):
    (d,) = diagnose(tmp_path, f'timezone "{zone}"\n')
    assert d.code == "F206"
    notes = " | ".join(n.message for n in d.notes)
    assert '"UTC"' not in notes  # one hour off (or more): never the suggestion
    if etc:
        assert f'write "{etc}": the sign of the Etc/GMT zones is the other way round' in notes
    else:
        assert "Etc/GMT" not in notes
    assert f'like "{city}"' in notes
