"""A Bitrix24-shaped export, generated here (the shapes of Bitrix24's REST
answers: crm.deal.list pages, crm.stagehistory.list items, crm.contact.list
with PHONE/EMAIL lists of {VALUE, VALUE_TYPE}, user.get, crm.deal.fields),
replays with the counts the generator expects; the mapping is checked with
positioned diagnostics."""
from __future__ import annotations

import json

import pytest

from flowc.diagnostics import Diagnostics
from flowc.index import Index
from flowc.lower import load
from flowc.check.mapping import check_mapping

from replay_support import run_replay

FLOW = """\
timezone "Europe/Lisbon"

employee ana "Ana Ferreira" {
  email "ana@pumps.example"
}
employee bruno "Bruno Costa" {
  email "bruno@pumps.example"
  supervisor ana
}

entity deal {
  title: text
  amount: money
  tracking: optional text
  client: contact
}

pipeline sales for deal "Sales" {
  stage new "New"
  stage contract "Contract" {
    robot task: create task "Prepare the contract for {title}"
  }
  stage won "Won" success {
    robot thanks: send sms "Thank you, {client.name}!" to mobile
    robot tell: notify supervisor "{title} won: {amount}"
  }
  stage lost "Lost" failure
}

pipeline service for deal "Service" {
  stage open "Open"
  stage closed "Closed" success
}
"""

MAPPING = """\
entity = "deal"

[categories]
"0" = "sales"
"3" = "service"

[stages]
"NEW" = "sales.new"
"PREPARATION" = "sales.contract"
"WON" = "sales.won"
"LOSE" = "sales.lost"
"C3:NEW" = "service.open"
"C3:WON" = "service.closed"

[fields]
OPPORTUNITY = "amount"
UF_CRM_1700000000 = "tracking"

[users]
"1" = "ana"
"7" = "bruno"
"""

N = 60  # deals


def answer(result, total=None, nxt=None):
    out = {"result": result, "total": total if total is not None else len(result),
           "time": {"start": 1767225600.0, "finish": 1767225600.2, "duration": 0.2}}
    if nxt is not None:
        out["next"] = nxt
    return out


def generate(folder):
    """N deals, 50 a page; each created in NEW on a weekday at 10:00; i % 3 == 0
    goes NEW -> PREPARATION -> WON, 1 goes NEW -> PREPARATION -> LOSE, 2 stays.
    Contact i % 7 has a mobile phone unless i % 7 == 6.  Deal 0 of category 3
    is in the service pipeline.  One deal has an unmapped stage."""
    deals, history, hid = [], [], 0
    for i in range(N):
        day = 2 + i % 5  # Mon 2026-03-02 .. Fri
        created = f"2026-03-{day:02d}T10:00:00+00:00"
        final = ["WON", "LOSE", "NEW"][i % 3]
        deals.append({"ID": str(100 + i), "TITLE": f"Deal {i}", "STAGE_ID": final, "CATEGORY_ID": "0",
                      "OPPORTUNITY": f"{1000 + i}.00", "CURRENCY_ID": "EUR", "ASSIGNED_BY_ID": "7",
                      "CONTACT_ID": str(i % 7 + 1), "COMPANY_ID": "0", "CLOSEDATE": "2026-04-30T03:00:00+03:00",
                      "BEGINDATE": created, "DATE_CREATE": created, "UF_CRM_1700000000": f"T{i}",
                      "UF_CRM_1700000001": "ignored"})
        steps = [("1", "NEW", "P", "10:00")]
        if i % 3 != 2:
            steps += [("2", "PREPARATION", "P", "11:00"),
                      ("3", "WON" if i % 3 == 0 else "LOSE", "S" if i % 3 == 0 else "F", "15:00")]
        for type_id, stage, sem, time in steps:
            hid += 1
            history.append({"ID": str(hid), "TYPE_ID": int(type_id), "OWNER_ID": 100 + i,
                            "CREATED_TIME": f"2026-03-{day:02d}T{time}:00+00:00", "CATEGORY_ID": 0,
                            "STAGE_SEMANTIC_ID": sem, "STAGE_ID": stage})
    deals.append({"ID": "900", "TITLE": "Service", "STAGE_ID": "C3:NEW", "CATEGORY_ID": "3",
                  "ASSIGNED_BY_ID": "9", "CONTACT_ID": "0", "COMPANY_ID": "0",
                  "DATE_CREATE": "2026-03-02T09:00:00+00:00"})
    deals.append({"ID": "901", "TITLE": "Unmapped", "STAGE_ID": "C5:NEW", "CATEGORY_ID": "5",
                  "ASSIGNED_BY_ID": "7", "DATE_CREATE": "2026-03-02T09:00:00+00:00"})
    pages = [deals[k:k + 50] for k in range(0, len(deals), 50)]
    for n, page in enumerate(pages):
        nxt = 50 * (n + 1) if n + 1 < len(pages) else None
        (folder / f"crm.deal.list.{n + 1}.json").write_text(json.dumps(answer(page, len(deals), nxt)))
    (folder / "crm.stagehistory.list.jsonl").write_text(
        "".join(json.dumps(answer({"items": history[k:k + 50]}, len(history))) + "\n"
                for k in range(0, len(history), 50)))
    contacts = []
    for c in range(1, 8):
        contacts.append({"ID": str(c), "NAME": f"Client{c}", "LAST_NAME": "Silva",
                         "PHONE": [] if c == 7 else [{"ID": str(c), "VALUE_TYPE": "MOBILE",
                                                      "VALUE": f"+351 91{c} 000 000", "TYPE_ID": "PHONE"}],
                         "EMAIL": [{"ID": str(10 + c), "VALUE_TYPE": "WORK", "VALUE": f"c{c}@x.example",
                                    "TYPE_ID": "EMAIL"}]})
    (folder / "crm.contact.list.json").write_text(json.dumps(answer(contacts)))
    (folder / "user.get.json").write_text(json.dumps(answer([
        {"ID": "7", "NAME": "Bruno", "LAST_NAME": "Costa", "EMAIL": "bruno@pumps.example"},
        {"ID": "9", "NAME": "Rita", "LAST_NAME": "Alves", "EMAIL": "rita@pumps.example",
         "WORK_PHONE": "+351 210 000 000"}])))
    (folder / "crm.deal.fields.json").write_text(json.dumps(answer({
        "OPPORTUNITY": {"type": "double", "isRequired": False, "title": "Opportunity"},
        "UF_CRM_1700000000": {"type": "string", "isRequired": False, "title": "UF_CRM_1700000000"},
        "UF_CRM_1700000001": {"type": "string", "isRequired": False, "title": "UF_CRM_1700000001"}})))
    (folder / "bitrix24.toml").write_text(MAPPING)


@pytest.fixture
def export(tmp_path):
    (tmp_path / "rules.flow").write_text(FLOW)
    folder = tmp_path / "export"
    folder.mkdir()
    generate(folder)
    return tmp_path


def test_the_export_replays_with_the_expected_counts(export):
    r = run_replay(str(export / "export"), files=(str(export / "rules.flow"),), source="bitrix24")
    rep = r.report
    assert r.code == 1, r.err  # the unmapped deal
    assert rep["records"]["read"] == N + 2
    assert rep["records"]["replayed"] == N + 1 and rep["records"]["skipped"] == 1
    robots = {x["robot"]: x for x in rep["robots"]}
    moved = sum(1 for i in range(N) if i % 3 != 2)
    won = sum(1 for i in range(N) if i % 3 == 0)
    no_phone = sum(1 for i in range(N) if i % 3 == 0 and i % 7 == 6)
    assert robots["task"]["done"] == moved
    assert robots["thanks"]["done"] == won - no_phone and robots["thanks"]["failed"] == no_phone
    assert robots["tell"]["done"] == won  # bruno's supervisor is ana
    assert rep["messages"] == {"sms": won - no_phone}
    tasks = sum(x.get("task", 0) for x in rep["employees"])
    assert tasks == moved and {x["employee"] for x in rep["employees"]} >= {"bruno"}
    assert rep["final_stage_differs"]["records"] == 0  # the rules move nothing by themselves
    assert [(p["code"], p["field"]) for p in rep["problems"]["first"]] == [
        ("R109", "result[11].STAGE_ID")]
    assert rep["problems"]["first"][0]["path"].endswith("crm.deal.list.2.json")


def test_the_same_with_two_processes(export):
    args = dict(files=(str(export / "rules.flow"),), source="bitrix24", partition_size=7)
    assert run_replay(str(export / "export"), **args).out == run_replay(str(export / "export"), jobs=2, **args).out


def check(tmp_path, mapping: str, b24_fields=None):
    flow = tmp_path / "rules.flow"
    flow.write_text(FLOW)
    diags = Diagnostics()
    project, _ = load([str(flow)], diags)
    check_mapping("bitrix24.toml", mapping, Index(project), diags, b24_fields)
    return [(d.code, d.span.line, d.span.column, d.summary, [n.message for n in d.notes]) for d in diags]


def test_a_clean_mapping(tmp_path):
    assert check(tmp_path, MAPPING) == []


def test_mapping_errors_are_positioned(tmp_path):
    bad = MAPPING.replace('"sales.contract"', '"sales.contrat"').replace('"bruno"', '"bruna"') \
        .replace('"C3:WON" = "service.closed"', '"C3:WON" = "sales.won"') + "\n[colours]\nred = 1\n"
    got = check(tmp_path, bad)
    assert got == [
        ("M103", 9, 17, 'unknown stage "sales.contrat"', ['did you mean "sales.contract"?']),
        ("M104", 13, 12, 'stage C3:WON is in category 3, which is mapped to pipeline "service", not "sales"', []),
        ("M103", 21, 7, 'unknown employee "bruna"', ['did you mean "bruno"?']),
        ("M102", 23, 1, "unknown section [colours] in the mapping", []),
    ]


def test_mapping_type_mismatch(tmp_path):
    got = check(tmp_path, MAPPING, {"OPPORTUNITY": {"type": "date"}, "UF_CRM_1700000000": {"type": "string"}})
    assert [(c, line, s) for c, line, _, s, _ in got] == [
        ("M105", 16, "OPPORTUNITY is a Bitrix24 date field; amount is money")]


def test_mapping_not_toml(tmp_path):
    got = check(tmp_path, 'entity = "deal"\n[stages\n')
    assert [(c, line) for c, line, *_ in got] == [("M101", 2)]


def test_the_replay_stops_on_mapping_errors(export):
    (export / "export" / "bitrix24.toml").write_text(MAPPING.replace('"sales.won"', '"sales.wonn"'))
    r = run_replay(str(export / "export"), files=(str(export / "rules.flow"),), source="bitrix24")
    assert r.code == 1 and "M103" in r.err and "bitrix24.toml:10" in r.err and r.out == ""


def test_flowc_check_checks_the_mapping(export):
    import subprocess
    import sys
    from support import subprocess_env
    mapping = export / "export" / "bitrix24.toml"
    base = [sys.executable, "-m", "flowc", "check", str(export / "rules.flow"), "--mapping", str(mapping)]
    p = subprocess.run(base, capture_output=True, text=True, env=subprocess_env())
    assert p.returncode == 0, p.stdout + p.stderr
    mapping.write_text(MAPPING.replace('"amount"', '"amout"'))
    p = subprocess.run(base + ["--format", "short"], capture_output=True, text=True, env=subprocess_env())
    assert p.returncode == 1
    assert f"{mapping}:16:15: error[M103]: unknown field \"amout\"" in p.stdout


def test_every_mapping_code_is_documented_and_only_those():
    import re
    from support import ROOT
    doc = (ROOT / "docs" / "replay.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| (M\d{3}) \| (?:error|warning) \|", doc, re.M))
    src = (ROOT / "src" / "flowc" / "check" / "mapping.py").read_text(encoding="utf-8")
    assert table == set(re.findall(r'"(M\d{3})"', src))
