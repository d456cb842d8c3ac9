"""The mapping of `flowc replay --bitrix24` from Bitrix24's ids to the
project's names, declared once in a small TOML file, and its check against
the project (codes M101-M106, documented in docs/replay.md).  `flowc check
--mapping FILE` and `flowc replay` both check it here.

```toml
entity = "deal"                 # what crm.deal.list items are in the flow
lead_entity = "lead"            # what crm.lead.list items are (when there are leads)

[categories]                    # CATEGORY_ID -> pipeline
"0" = "sales"
"5" = "installation"

[stages]                        # a deal's STAGE_ID -> pipeline.stage
"NEW" = "sales.new"
"C5:NEW" = "installation.todo"

[lead_stages]                   # a lead's STATUS_ID -> pipeline.stage
"NEW" = "leads.new"

[fields]                        # a deal's or lead's field -> the entity's field
OPPORTUNITY = "amount"
UF_CRM_1700000000 = "tracking"

[users]                         # user id -> employee of the flow
"7" = "bruno"
```

`check_mapping(path, text, index, diags)` reports, at the line and column of
the key or value: a file that is not TOML (M101), a section or key replay
does not know (M102), a stage, pipeline, field or employee the project does
not have, with "did you mean" (M103), a stage mapped into a pipeline of
another entity or against its category (M104), and a Bitrix24 field whose
type (from a saved `crm.deal.fields` answer) cannot hold the project
field's type (M105).  docs/replay.md documents each code.
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from typing import Any

import attrs

from ..diagnostics import Diagnostics, Note, did_you_mean
from ..index import Index
from ..source import Source, Span

SECTIONS = ("categories", "stages", "lead_stages", "fields", "users")
TOP_KEYS = ("entity", "lead_entity")

#: Bitrix24 field types (crm.deal.fields "type") -> the flow types they can fill.
B24_TYPES: dict[str, tuple[str, ...]] = {
    "string": ("text", "list"), "char": ("text", "boolean"), "integer": ("number", "money", "text"),
    "double": ("number", "money", "text"), "money": ("money", "number", "text"), "date": ("date", "datetime"),
    "datetime": ("datetime", "date"), "boolean": ("boolean",), "enumeration": ("list", "text"),
    "crm_status": ("list", "text"), "crm_currency": ("text", "list"), "user": ("employee",),
    "crm_contact": ("contact",), "crm_company": ("company",), "url": ("text",), "file": ("file",),
}


@attrs.frozen
class Mapping:
    entity: str = "deal"
    lead_entity: str = "lead"
    categories: dict = attrs.Factory(dict)  # "5" -> pipeline name
    stages: dict = attrs.Factory(dict)      # "C5:NEW" -> "pipeline.stage"
    lead_stages: dict = attrs.Factory(dict)  # "IN_PROCESS" -> "pipeline.stage"
    fields: dict = attrs.Factory(dict)      # "UF_CRM_1" -> field name
    users: dict = attrs.Factory(dict)       # "7" -> employee name


class _Positions:
    """Where a key or a value is written in the TOML text (tomllib gives no positions)."""

    def __init__(self, path: str, text: str) -> None:
        self.source = Source(path, text)
        self.text = text
        self.section_at: dict[str, int] = {}
        for m in re.finditer(r"^[ \t]*\[([^\]]+)\]", text, re.M):
            self.section_at.setdefault(m.group(1).strip().strip('"'), m.start(1))

    def key(self, section: str | None, key: str, value: bool = False) -> Span:
        start = self.section_at.get(section, 0) if section else 0
        end = len(self.text)
        if section is not None:
            later = [p for p in self.section_at.values() if p > start]
            end = min(later) if later else end
        else:
            end = min(self.section_at.values(), default=end)
        pat = re.compile(r'^[ \t]*("?)' + re.escape(key) + r'\1[ \t]*=[ \t]*(.*?)[ \t]*(?:#.*)?$', re.M)
        m = pat.search(self.text, start, end)
        if m is None:
            return self.source.span(start, start)
        a, b = (m.start(2), m.end(2)) if value else (m.start(0) + len(m.group(0)) - len(m.group(0).lstrip()),
                                                     m.start(0) + len(m.group(0).split("=")[0].rstrip()))
        return self.source.span(a, b)


def load_mapping(path: str, diags: Diagnostics, index: Index,
                 b24_fields: dict[str, dict] | None = None) -> tuple[Mapping | None, Source | None]:
    """Read and check a mapping file; None when it cannot be used."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as e:
        diags.error("M101", f"cannot read the mapping {path}: {getattr(e, 'strerror', None) or e}",
                    Span(path, 1, 1, 1, 1))
        return None, None
    return check_mapping(path, text, index, diags, b24_fields)


def check_mapping(path: str, text: str, index: Index, diags: Diagnostics,
                  b24_fields: dict[str, dict] | None = None) -> tuple[Mapping | None, Source]:
    pos = _Positions(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+), column (\d+)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        diags.error("M101", "the mapping is not valid TOML", Span(path, line, col, line, col + 1),
                    str(e).split(" (at")[0])
        return None, pos.source
    def m_errors() -> int:
        return sum(1 for d in diags if d.code.startswith("M") and str(d.severity) == "error")

    errors_before = m_errors()

    def unknown_key(key: str, value: Any) -> None:
        if isinstance(value, dict):
            at = pos.section_at.get(key, 0)
            span = pos.source.span(max(0, at - 1), at + len(key) + 1)
            what = f"section [{key}]"
        else:
            span, what = pos.key(None, key), f'key "{key}"'
        diags.error("M102", f"unknown {what} in the mapping", span, "replay does not read it",
                    did_you_mean(key, SECTIONS + TOP_KEYS))

    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                diags.error("M102", f'"{key}" is a section: write [{key}]', pos.key(None, key))
                continue
            out[key] = {str(k): v for k, v in value.items()}
        elif key in TOP_KEYS:
            if not isinstance(value, str) or index.entity_kind(value) is None:
                diags.error("M103", f'unknown entity "{value}"', pos.key(None, key, value=True),
                            "no such entity in the project",
                            did_you_mean(str(value), list(index.entities) + ["deal", "lead", "invoice", "quote"]))
                continue
            out[key] = value
        else:
            unknown_key(key, value)
    entity = out.get("entity", "deal")
    lead_entity = out.get("lead_entity", "lead")

    pipelines = index.pipelines
    for cat, name in out.get("categories", {}).items():
        span = pos.key("categories", cat, value=True)
        if not isinstance(name, str) or name not in pipelines:
            diags.error("M103", f'unknown pipeline "{name}"', span, "no such pipeline in the project",
                        did_you_mean(str(name), pipelines))
        elif pipelines[name].entity.value != entity:
            diags.error("M104", f'pipeline "{name}" is for {pipelines[name].entity.value}, not {entity}', span,
                        "categories are pipelines of deals")
    all_stages = [f"{p.name.value}.{s.name.value}" for p in pipelines.values() for s in p.stages]
    for section, want in (("stages", entity), ("lead_stages", lead_entity)):
        for sid, target in out.get(section, {}).items():
            span = pos.key(section, sid, value=True)
            if not isinstance(target, str) or target not in all_stages:
                diags.error("M103", f'unknown stage "{target}"', span, "write pipeline.stage of the project",
                            did_you_mean(str(target), all_stages))
                continue
            pipe = pipelines[target.split(".")[0]]
            if pipe.entity.value != want:
                diags.error("M104", f'stage "{target}" is in a pipeline of {pipe.entity.value}, not {want}', span,
                            f"[{section}] maps the stages of {want}s")
                continue
            m = re.match(r"C(\d+):", sid)
            cat = m.group(1) if m else ("0" if section == "stages" else None)
            cats = out.get("categories", {})
            if cat is not None and cat in cats and cats[cat] != pipe.name.value:
                diags.error("M104", f'stage {sid} is in category {cat}, which is mapped to pipeline "{cats[cat]}", '
                            f'not "{pipe.name.value}"', span)
    for fid, target in out.get("fields", {}).items():
        span = pos.key("fields", fid, value=True)
        fields = {**index.fields(entity), **index.fields(lead_entity)}
        declared = [n for n, i in fields.items() if not i.builtin]
        if not isinstance(target, str) or target not in fields or fields[target].builtin:
            diags.error("M103", f'unknown field "{target}"', span, f"no such field of {entity}",
                        did_you_mean(str(target), declared))
            continue
        b24 = (b24_fields or {}).get(fid)
        if b24 is not None:
            typ = fields[target].type
            btype = str(b24.get("type", ""))
            if btype in B24_TYPES and typ not in B24_TYPES[btype]:
                diags.error("M105", f'{fid} is a Bitrix24 {btype} field; {target} is {typ}', span,
                            "the values would not convert", [Note(f"map {fid} to a field of type "
                                                                  f"{' or '.join(B24_TYPES[btype])}")])
        elif b24_fields is not None:
            diags.warning("M106", f"{fid} is not among the fields of the saved crm.deal.fields answer",
                          pos.key("fields", fid), "the data will not have it",
                          did_you_mean(fid, b24_fields))
    for uid, name in out.get("users", {}).items():
        span = pos.key("users", uid, value=True)
        if not isinstance(name, str) or name not in index.employees:
            diags.error("M103", f'unknown employee "{name}"', span, "no such employee in the project",
                        did_you_mean(str(name), index.employees))
    if m_errors() > errors_before:
        return None, pos.source
    return Mapping(entity, lead_entity, out.get("categories", {}), out.get("stages", {}),
                   out.get("lead_stages", {}), out.get("fields", {}), out.get("users", {})), pos.source


def field_types(folder: str) -> dict[str, dict]:
    """The field descriptions (`type`...) of saved crm.deal.fields / crm.lead.fields
    answers in a folder (for M105, M106); unreadable files are left out."""
    out: dict[str, dict] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        if not (name.startswith(("crm.deal.fields", "crm.lead.fields")) and name.endswith((".json", ".jsonl"))):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            answers = [json.loads(l) for l in text.splitlines() if l.strip()] if name.endswith(".jsonl") \
                else [json.loads(text)]
        except (OSError, ValueError):
            continue
        for answer in (a for x in answers for a in (x if isinstance(x, list) else [x])):
            if isinstance(answer, dict) and isinstance(answer.get("result"), dict):
                out.update({k: v for k, v in answer["result"].items() if isinstance(v, dict)})
    return out


def check_mapping_files(paths, projects, diags: Diagnostics) -> None:
    """`flowc check --mapping FILE`: each mapping against each project given;
    a saved crm.deal.fields answer next to the mapping adds the type check."""
    for path in paths:
        if not os.path.isfile(path):
            diags.error("M101", f"cannot read the mapping {path}: no such file", Span(path, 1, 1, 1, 1))
            continue
        fields = field_types(os.path.dirname(path) or ".")
        for project in projects:
            load_mapping(path, diags, Index(project), fields or None)
