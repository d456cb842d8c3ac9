"""Reading Bitrix24's own REST exports into replay's rows.

An export is a folder of the JSON answers of Bitrix24's REST methods, saved
as they came, page by page (each file one answer, a JSON list of answers, or
JSON lines of answers), named after the method:

| file name starts with | method | gives |
| --- | --- | --- |
| `crm.deal.list` | deals: `ID`, `TITLE`, `STAGE_ID`, `CATEGORY_ID`, `OPPORTUNITY`, `ASSIGNED_BY_ID`, `CONTACT_ID`, `COMPANY_ID`, `DATE_CREATE`, `UF_CRM_*`... | records |
| `crm.lead.list` | leads: the same with `STATUS_ID` | records |
| `crm.stagehistory.list` | `{"items": [...]}`: `OWNER_ID`, `TYPE_ID`, `CREATED_TIME`, `STAGE_ID` or `STATUS_ID` | history |
| `crm.contact.list`, `crm.company.list` | `NAME`, `LAST_NAME` / `TITLE`, `PHONE`, `EMAIL` as lists of `{VALUE, VALUE_TYPE}` | people |
| `user.get` | `ID`, `NAME`, `LAST_NAME`, `EMAIL`, `PERSONAL_MOBILE`, `WORK_PHONE` | people (employees) |
| `crm.deal.fields`, `crm.lead.fields` | field descriptions (`type`) | the mapping's type check |

and the mapping `bitrix24.toml` (`flowc.replay.mapping`).  Items become the
rows of the CRM-neutral format: deal `12` is record `D12`, lead `12` is
`L12`, contact `C12`, company `CO12`, user `U7` unless the mapping names the
flow's employee.  A deal's `STAGE_ID` is its stage now (the history's end);
the stage history's creation item (`TYPE_ID` 1) gives the stage it was
created in, and its moves (`TYPE_ID` 2, 3, 5) are the history's stage
changes.  A stage the mapping does not map is R109: the record (or the
history item) is skipped.
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterator

from ..diagnostics import Diagnostics
from ..index import Index
from .formats import DataSetError, Row
from .join import Store
from ..check.mapping import Mapping, field_types, load_mapping
from .problems import Problem

METHODS = ("crm.deal.list", "crm.lead.list", "crm.stagehistory.list", "crm.contact.list", "crm.company.list",
           "user.get", "crm.deal.fields", "crm.lead.fields")
MAPPING_FILE = "bitrix24.toml"
#: Standard fields that replay reads itself (never through [fields]).
OWN_FIELDS = ("ID", "TITLE", "STAGE_ID", "STATUS_ID", "CATEGORY_ID", "ASSIGNED_BY_ID", "CONTACT_ID",
              "CONTACT_IDS", "COMPANY_ID", "DATE_CREATE")


def export_files(folder: str) -> dict[str, list[str]]:
    """method -> its files, in name order."""
    if not os.path.isdir(folder):
        raise DataSetError(f"no such export folder: {folder}" if not os.path.exists(folder)
                           else f"{folder} is not a folder (give the folder of the saved REST answers)")
    out: dict[str, list[str]] = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith((".json", ".jsonl")):
            continue
        method = next((m for m in sorted(METHODS, key=len, reverse=True) if name.startswith(m)), None)
        if method is not None:
            out.setdefault(method, []).append(os.path.join(folder, name))
    if "crm.deal.list" not in out and "crm.lead.list" not in out:
        raise DataSetError(f"{folder} has no crm.deal.list*.json or crm.lead.list*.json")
    return out


def _answers(path: str, problems) -> Iterator[tuple[int, Any]]:
    """(line, answer) of a file: one JSON answer, a list of them, or JSON lines."""
    try:
        with open(path, "rb") as f:
            first = f.read(1)
            f.seek(0)
            if path.endswith(".jsonl"):
                for n, raw in enumerate(f, 1):
                    if raw.strip():
                        try:
                            yield n, json.loads(raw)
                        except ValueError as e:
                            problems.append(Problem(path, n, "R101", None, f"the line is not valid JSON "
                                                    f"({str(e).split(':')[0]}); its items are skipped"))
                return
            data = f.read()
    except OSError as e:
        raise DataSetError(f"cannot read {path}: {e.strerror or e}") from None
    del first
    try:
        doc = json.loads(data)
    except ValueError as e:
        line = getattr(e, "lineno", 1)
        problems.append(Problem(path, line, "R101", None, f"the file is not valid JSON ({str(e).split(':')[0]}); "
                                "its items are skipped"))
        return
    for answer in doc if isinstance(doc, list) else [doc]:
        yield 1, answer


def _items(path: str, problems, key: str | None = None) -> Iterator[tuple[int, str, dict]]:
    """(line, "result[i]", item) of every item of every answer of a file."""
    for line, answer in _answers(path, problems):
        result = answer.get("result") if isinstance(answer, dict) else None
        if isinstance(result, dict) and key is not None:
            result = result.get(key)
        if not isinstance(result, list):
            problems.append(Problem(path, line, "R101", "result", "not a REST answer with a list of items "
                                    f'({"result.items" if key else "result"}); skipped'))
            continue
        for i, item in enumerate(result):
            where = f"result.{key}[{i}]" if key else f"result[{i}]"
            if isinstance(item, dict):
                yield line, where, item
            else:
                problems.append(Problem(path, line, "R101", where, "an item must be an object; skipped"))


def _id(v: Any) -> str | None:
    if v is None or isinstance(v, (bool, dict, list)):
        return None
    s = str(v).strip()
    return None if s in ("", "0") else s


class Converter:
    """Bitrix24 items to neutral rows, through the mapping."""

    def __init__(self, mapping: Mapping) -> None:
        self.m = mapping

    def user(self, uid: Any) -> str | None:
        u = _id(uid)
        return None if u is None else self.m.users.get(u, f"U{u}")

    def stage(self, item: dict, lead: bool) -> tuple[str | None, str]:
        key = "STATUS_ID" if lead else "STAGE_ID"
        sid = _id(item.get(key)) if item.get(key) != "0" else "0"
        table = self.m.lead_stages if lead else self.m.stages
        return (table.get(sid) if sid is not None else None), key

    def record(self, item: dict, lead: bool) -> dict:
        rid = _id(item.get("ID"))
        stage, key = self.stage(item, lead)
        out: dict[str, Any] = {"id": f"{'L' if lead else 'D'}{rid}" if rid else None,
                               "entity": self.m.lead_entity if lead else self.m.entity,
                               "created": item.get("DATE_CREATE"), "final_stage": stage}
        if stage is None:
            out["unmapped"] = (key, item.get(key))
        if item.get("TITLE"):
            out["title"] = item["TITLE"]
        if self.user(item.get("ASSIGNED_BY_ID")):
            out["responsible"] = self.user(item.get("ASSIGNED_BY_ID"))
        contacts = [f"C{c}" for c in (_id(x) for x in (item.get("CONTACT_IDS") or [])) if c]
        if not contacts and _id(item.get("CONTACT_ID")):
            contacts = [f"C{_id(item.get('CONTACT_ID'))}"]
        if contacts:
            out["contacts"] = contacts
        if _id(item.get("COMPANY_ID")):
            out["company"] = f"CO{_id(item.get('COMPANY_ID'))}"
        out["fields"] = {self.m.fields[k]: v for k, v in item.items() if k in self.m.fields and v not in (None, "")}
        return out

    def history(self, item: dict) -> dict:
        lead = "STATUS_ID" in item
        owner = _id(item.get("OWNER_ID"))
        stage, key = self.stage(item, lead)
        out = {"record": f"{'L' if lead else 'D'}{owner}" if owner else None, "at": item.get("CREATED_TIME"),
               "stage": stage}
        if str(item.get("TYPE_ID")) == "1":
            out["created"] = True
        if stage is None:
            out["unmapped"] = (key, item.get(key))
        return out

    @staticmethod
    def person(item: dict, kind: str) -> dict:
        prefix = {"contact": "C", "company": "CO", "employee": "U"}[kind]
        name = (item.get("TITLE") if kind == "company" else
                " ".join(str(item[k]).strip() for k in ("NAME", "LAST_NAME") if item.get(k)))
        out: dict[str, Any] = {"id": f"{prefix}{_id(item.get('ID'))}", "kind": kind, "name": name or None}
        if kind == "employee":
            out["emails"] = [{"type": "work", "value": item["EMAIL"]}] if item.get("EMAIL") else []
            out["phones"] = [{"type": t, "value": item[k]} for k, t in (("PERSONAL_MOBILE", "mobile"),
                                                                        ("WORK_PHONE", "work")) if item.get(k)]
            return out
        for key, target in (("EMAIL", "emails"), ("PHONE", "phones")):
            values = item.get(key) or []
            out[target] = [{"type": str(v.get("VALUE_TYPE") or "work").lower(), "value": str(v["VALUE"])}
                           for v in values if isinstance(v, dict) and v.get("VALUE")]
        return out


def open_export(folder: str, index: Index, log, diags: Diagnostics, mapping_path: str | None = None):
    """(store, record rows, have_people, description) of an export, or None
    when the mapping has errors (in `diags`)."""
    files = export_files(folder)
    b24_fields = field_types(folder)
    mapping_path = mapping_path or os.path.join(folder, MAPPING_FILE)
    if not os.path.isfile(mapping_path):
        raise DataSetError(f"no mapping: {mapping_path} (docs/replay.md shows one)")
    mapping, source = load_mapping(mapping_path, diags, index, b24_fields or None)
    if mapping is None:
        return None
    conv = Converter(mapping)
    store = Store()
    store.add_history(_rows(files.get("crm.stagehistory.list", ()), "items", conv.history, log), log)
    people = []
    for method, kind in (("crm.contact.list", "contact"), ("crm.company.list", "company"), ("user.get", "employee")):
        people.append(_rows(files.get(method, ()), None,
                            lambda item, kind=kind: conv.person(item, kind), log,
                            skip=(lambda item, kind=kind: kind == "employee" and _id(item.get("ID")) in mapping.users)))
    have_people = any(m in files for m in ("crm.contact.list", "crm.company.list", "user.get"))
    store.add_people((row for gen in people for row in gen), log)

    def records() -> Iterator[Row]:
        for method, lead in (("crm.deal.list", False), ("crm.lead.list", True)):
            yield from _rows(files.get(method, ()), None, lambda item, lead=lead: conv.record(item, lead), log)

    described = ", ".join(f"{len(v)} {k}" for k, v in files.items() if not k.endswith(".fields"))
    return store, _check_mapped(records(), log), have_people, described, source


def _rows(paths, key, convert, log, skip=None) -> Iterator[Row]:
    for path in paths:
        for line, where, item in _items(path, log, key):
            if skip is not None and skip(item):
                continue
            data = convert(item)
            unmapped = data.pop("unmapped", None)
            if unmapped is not None:
                field, value = unmapped
                rid = data.get("id") or data.get("record")
                what = "record" if "id" in data else "item"
                log.append(Problem(path, line, "R109", f"{where}.{field}",
                                   f"{field} {json.dumps(value)} is not in the mapping; the {what} is skipped", rid,
                                   item=_item_number(where)))
                if "id" in data:
                    data["skip"] = True
                else:
                    continue
            yield Row(path, line, dict(data, _where=where))


def _item_number(where: str) -> int:
    """`result[12]` / `result.items[12]` -> 13 (items count from 1; 0 is the whole line)."""
    return int(where.rsplit("[", 1)[1].rstrip("]")) + 1


def _check_mapped(rows: Iterator[Row], log) -> Iterator[Row]:
    for row in rows:
        if row.data.pop("skip", False):
            log.skip_record()
            continue
        yield row
