"""A bundle to a typed replay record, checked against the project.

`Reader(index).record(bundle, problems)` turns the rows of one record (the
record, its history, its people) into a `ReplayRecord`: the stage resolved in
the project's pipelines, times as local times of the flow's time zone,
field values converted to the fields' types, people as `ir.Person`, the
history as timed `Happening`s in time order.  Whatever cannot be used is a
`Problem` with the file, line and field: a record that cannot be replayed is
skipped (None), a history item that cannot be used is left out, a value of
an undeclared field is left out.  docs/replay.md has the keys and the codes.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .. import ir, schema, workcal
from ..diagnostics import suggest
from ..index import Index
from ..source import Span
from .formats import Row
from .join import Bundle
from .problems import DataError, Problem

PERSON_KINDS = ("contact", "company", "employee")
_NOWHERE = Span("<replay>", 1, 1, 1, 1)
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@attrs.frozen
class Happening:
    """One item of a record's history: at a local time, a move by hand
    (`stage`), a change by a user (`field`, `value`), or an event (`event`, `arg`)."""
    at: dt.datetime  # naive, local time of the flow's time zone
    kind: str        # "move", "set", "event"
    line: int
    path: str
    pipeline: ir.Pipeline | None = None
    stage: ir.Stage | None = None
    field: str | None = None
    value: Any = None
    type: str | None = None
    event: str | None = None
    arg: Any = None


@attrs.frozen
class ReplayRecord:
    id: str
    path: str
    line: int
    entity: str
    pipeline: ir.Pipeline
    stage: ir.Stage
    created: dt.datetime  # naive local
    title: str | None
    responsible: str | None
    contacts: tuple[str, ...]
    company: str | None
    fields: tuple[tuple[str, Any, str], ...]  # (name, value, type)
    people: tuple[ir.Person, ...]
    history: tuple[Happening, ...]
    final: tuple[str, str]  # (pipeline, stage) at the end of the history


def _text(v: Any, key: str) -> str:
    if isinstance(v, bool) or isinstance(v, (dict, list)) or v is None:
        raise DataError("R103", key, f"expected text, got {json_kind(v)}")
    return str(v)


def json_kind(v: Any) -> str:
    return {bool: "true/false", dict: "an object", list: "a list", type(None): "null"}.get(
        type(v), f'"{v}"' if isinstance(v, str) else "a number" if isinstance(v, (int, float)) else repr(v))


class Reader:
    """Rows to replay records, for one project (built once per worker)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.tz = index.timezone
        self.employees = set(index.employees)

    # -- values ------------------------------------------------------------------
    def time(self, v: Any, key: str) -> dt.datetime:
        """`2026-03-02 09:15`, `2026-03-02T09:15:00+03:00`, `...Z`: a naive local time."""
        if not isinstance(v, str) or not v.strip():
            raise DataError("R103", key, f"expected a date and time like 2026-03-02 09:15, got {json_kind(v)}")
        s = v.strip()
        try:
            t = dt.datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
        except ValueError:
            raise DataError("R103", key, f'"{s}" is not a date and time (write 2026-03-02 09:15 or ISO 8601 '
                                         "with its UTC offset)") from None
        if t.tzinfo is not None:
            t = workcal.to_local(t.astimezone(dt.timezone.utc), self.tz)
        if not 1 < t.year < 9999:
            raise DataError("R103", key, f'"{s}" is outside the years replay can compute with (2 to 9998)')
        return t.replace(microsecond=0)

    def value(self, v: Any, typ: str, key: str, choices: tuple[str, ...] = ()) -> Any:
        """A field value of type `typ`; None for an empty one."""
        if v is None or v == "":
            return None
        if typ in schema.NUMERIC:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise DataError("R103", key, f"expected a number, got {json_kind(v)}")
            try:
                d = Decimal(str(v).strip().replace("_", ""))
            except InvalidOperation:
                raise DataError("R103", key, f"expected a number, got {json_kind(v)}") from None
            if not d.is_finite():
                raise DataError("R103", key, f"expected a number, got {json_kind(v)}")
            return d
        if typ == "date":
            if isinstance(v, str):
                try:
                    return dt.date.fromisoformat(v.strip()[:10])
                except ValueError:
                    pass
            raise DataError("R103", key, f"expected a date like 2026-03-31, got {json_kind(v)}")
        if typ == "datetime":
            return self.time(v, key)
        if typ == "boolean":
            if isinstance(v, bool):
                return v
            s = str(v).strip().lower()
            if s in _TRUE or s in _FALSE:
                return s in _TRUE
            raise DataError("R103", key, f"expected yes or no (true/false, Y/N), got {json_kind(v)}")
        if typ == "list":
            s = _text(v, key)
            if choices and s not in choices:
                best = suggest(s, choices)
                hint = f'; did you mean "{best}"?' if best else ""
                raise DataError("R103", key, f'"{s}" is not one of {", ".join(choices)}{hint}')
            return s
        if typ in schema.RELATIONS:
            return _text(v, key)
        return _text(v, key) if not isinstance(v, (int, float)) or isinstance(v, bool) else str(v)

    def stage(self, v: Any, entity: str | None, key: str) -> tuple[ir.Pipeline, ir.Stage]:
        s = _text(v, key).strip()
        pipe, dot, name = s.rpartition(".")
        ref = ir.StageRef(ir.Name(pipe, _NOWHERE) if dot else None, ir.Name(name, _NOWHERE), _NOWHERE)
        found = self.index.resolve_stage(ref, None, entity)
        if found is None:
            if dot and pipe not in self.index.pipelines:
                raise DataError("R104", key, f'unknown pipeline "{pipe}"' + _hint(pipe, self.index.pipelines))
            names = [f"{p.name.value}.{st.name.value}" for p in self.index.pipelines.values()
                     if entity is None or p.entity.value == entity for st in p.stages]
            many = not dot and sum(n.endswith("." + name) for n in names) > 1
            why = (f'stage "{name}" is in several pipelines: write pipeline.stage' if many
                   else f'unknown stage "{s}"' + (f" for {entity}" if entity else "") + _hint(s, names))
            raise DataError("R104", key, why)
        if entity is not None and found[0].entity.value != entity:
            raise DataError("R104", key, f'stage "{s}" is a stage of {found[0].entity.value}, not of {entity}')
        return found

    # -- people ------------------------------------------------------------------
    def person(self, data: dict, row: Row, kind: str | None = None) -> ir.Person:
        pid = str(data.get("id", "")).strip()
        if not pid:
            raise DataError("R102", "id", "a person needs an id")
        kind = data.get("kind", kind)
        if kind not in PERSON_KINDS:
            raise DataError("R103", "kind", f"a person's kind is contact, company or employee, "
                                            f"not {json_kind(kind)}")
        span = _at(row)

        def contacts(key: str) -> tuple[ir.Contact, ...]:
            items = data.get(key) or []
            if not isinstance(items, list):
                items = [items]
            out = []
            for it in items:
                if isinstance(it, str):
                    out.append(ir.Contact("work", it, span))
                elif isinstance(it, dict) and isinstance(it.get("value"), str):
                    out.append(ir.Contact(str(it.get("type") or "work").lower(), it["value"], span))
                else:
                    raise DataError("R103", key, f"expected a list of {{type, value}}, got {json_kind(it)}")
            return tuple(out)

        sup = data.get("supervisor")
        chats = data.get("chats") or []
        return ir.Person(kind, ir.Name(pid, span), _text(data["name"], "name") if data.get("name") else None,
                         emails=contacts("emails"), phones=contacts("phones"),
                         chats=tuple(ir.Name(str(c), span) for c in (chats if isinstance(chats, list) else [chats])),
                         mailboxes=contacts("mailboxes"),
                         supervisor=ir.Name(str(sup), span) if sup not in (None, "") else None, span=span)

    # -- a record ----------------------------------------------------------------
    def record(self, b: Bundle, problems: list[Problem], have_people: bool = True) -> ReplayRecord | None:
        where = b.record.data.get("_where")
        if where is not None:  # a Bitrix24 item: its place in the answer goes in front of the field
            mine: list[Problem] = []
            rec = self._record(b, mine, have_people)
            item = int(where.rsplit("[", 1)[1].rstrip("]")) + 1
            problems.extend(attrs.evolve(p, field=f"{where}.{p.field}" if p.field else where, item=item)
                            if p.path == b.record.path and p.line == b.record.line else p for p in mine)
            return rec
        return self._record(b, problems, have_people)

    def _record(self, b: Bundle, problems: list[Problem], have_people: bool = True) -> ReplayRecord | None:
        row = b.record
        d = row.data
        rid = str(d.get("id"))
        try:
            if d.get("created") in (None, ""):
                raise DataError("R102", "created", "a record needs its created")
            if d.get("stage") in (None, ""):
                d = dict(d, stage=self._creation_stage(b))
            entity = d.get("entity")
            if entity is not None:
                entity = _text(entity, "entity")
                if self.index.entity_kind(entity) is None:
                    raise DataError("R104", "entity", f'unknown entity "{entity}"' +
                                    _hint(entity, list(schema.ENTITY_KINDS) + list(self.index.entities)))
            pipeline, stage = self.stage(d["stage"], entity, "stage")
            entity = pipeline.entity.value
            created = self.time(d["created"], "created")
            title = _text(d["title"], "title") if d.get("title") not in (None, "") else None
            fields = self._fields(d.get("fields") or {}, entity, row, problems, rid)
        except DataError as e:
            problems.append(Problem(row.path, row.line, e.code, e.field, e.message + "; the record is skipped", rid))
            return None

        people: dict[str, ir.Person] = {}
        for pid, prow in b.people.items():
            try:
                people[pid] = self.person(prow.data, prow)
            except DataError as e:
                problems.append(Problem(prow.path, prow.line, e.code, e.field, e.message + "; the person is left out"))

        def ref(v: Any, key: str, kind: str) -> str | None:
            if isinstance(v, dict):  # a person written inline
                try:
                    p = self.person(v, row, kind)
                except DataError as e:
                    problems.append(Problem(row.path, row.line, e.code, f"{key}.{e.field}", e.message +
                                            "; the person is left out", rid))
                    return None
                people.setdefault(p.name.value, p)
                return p.name.value
            try:
                pid = _text(v, key)
            except DataError as e:
                problems.append(Problem(row.path, row.line, e.code, key, e.message + "; left out", rid))
                return None
            if pid not in people and not (kind == "employee" and pid in self.employees):
                if have_people:
                    problems.append(Problem(row.path, row.line, "R106", key,
                                            f"no {kind} {pid} in the people; it has no e-mail or phone", rid))
                people[pid] = ir.Person(kind, ir.Name(pid, _at(row)), None, span=_at(row))
            return pid

        contacts = d.get("contacts") or []
        if not isinstance(contacts, list):
            contacts = [contacts]
        contact_ids = tuple(c for c in (ref(c, "contacts", "contact") for c in contacts) if c is not None)
        company = ref(d["company"], "company", "company") if d.get("company") not in (None, "") else None
        responsible = (ref(d["responsible"], "responsible", "employee")
                       if d.get("responsible") not in (None, "") else None)
        for p in list(people.values()):  # supervisors named but not given
            if p.supervisor is not None and p.supervisor.value not in people \
                    and p.supervisor.value not in self.employees:
                people[p.supervisor.value] = ir.Person("employee", p.supervisor, None, span=p.span)

        inline = d.get("history") or []
        rows = [Row(row.path, row.line, h) if isinstance(h, dict) else h for h in
                (inline if isinstance(inline, list) else [inline])] + list(b.history)
        history = []
        for h in rows:
            if not isinstance(h.data, dict):
                problems.append(Problem(h.path, h.line, "R103", "history", "a history item must be an object; "
                                        "it is skipped", rid))
                continue
            if h.data.get("created") is True:  # the stage it was created in: used above, not a move
                continue
            try:
                item = self.happening(h, entity, pipeline)
            except DataError as e:
                problems.append(Problem(h.path, h.line, e.code, e.field, e.message + "; the item is skipped", rid))
                continue
            if item.at < created:
                problems.append(Problem(h.path, h.line, "R108", "at",
                                        f"{item.at:%Y-%m-%d %H:%M} is before the record was created "
                                        f"({created:%Y-%m-%d %H:%M}): it happens at the creation", rid))
                item = attrs.evolve(item, at=created)
            history.append(item)
        history.sort(key=lambda h: h.at)  # stable: file order at the same time
        final = (pipeline.name.value, stage.name.value)
        for h in history:
            if h.kind == "move":
                final = (h.pipeline.name.value, h.stage.name.value)
        if d.get("final_stage") not in (None, ""):
            try:
                p, s = self.stage(d["final_stage"], entity, "final_stage")
                final = (p.name.value, s.name.value)
            except DataError as e:
                problems.append(Problem(row.path, row.line, e.code, e.field, e.message + "; the history's last "
                                        "stage is used", rid))
        return ReplayRecord(rid, row.path, row.line, entity, pipeline, stage, created, title, responsible,
                            contact_ids, company, fields, tuple(people.values()), tuple(history), final)

    @staticmethod
    def _creation_stage(b: Bundle) -> Any:
        """A record without `stage`: the stage of its history's `created` item,
        else its `final_stage` (a record that never moved)."""
        inline = b.record.data.get("history")
        items = (inline if isinstance(inline, list) else []) + [h.data for h in b.history]
        for h in items:
            if isinstance(h, dict) and h.get("created") is True and h.get("stage") not in (None, ""):
                return h["stage"]
        if b.record.data.get("final_stage") in (None, ""):
            raise DataError("R102", "stage", "a record needs its stage (or its final_stage)")
        return b.record.data["final_stage"]

    def _fields(self, raw: Any, entity: str, row: Row, problems: list[Problem], rid: str):
        if not isinstance(raw, dict):
            raise DataError("R103", "fields", f"expected an object of field values, got {json_kind(raw)}")
        known = self.index.fields(entity)
        out = []
        for name, v in raw.items():
            info = known.get(name)
            if info is None or info.builtin:
                why = ("is set by its own key, not in fields" if info is not None else
                       f"is not a field of {entity}" + _hint(name, [k for k, i in known.items() if not i.builtin]))
                problems.append(Problem(row.path, row.line, "R107", f"fields.{name}", f"{name} {why}; "
                                        "the value is left out", rid))
                continue
            value = self.value(v, info.type, f"fields.{name}", info.choices)
            if value is not None:
                out.append((name, value, info.type))
        return tuple(out)

    def happening(self, h: Row, entity: str, pipeline: ir.Pipeline) -> Happening:
        d = h.data
        at = self.time(d.get("at"), "at") if d.get("at") not in (None, "") else None
        if at is None:
            raise DataError("R102", "at", "a history item needs its time (at)")
        kinds = [k for k in ("stage", "field", "event") if d.get(k) not in (None, "")]
        if len(kinds) != 1:
            raise DataError("R102" if not kinds else "R103", None,
                            "a history item has exactly one of stage, field or event"
                            + (f" (this one has {', '.join(kinds)})" if kinds else ""))
        kind = kinds[0]
        if kind == "stage":
            p, s = self.stage(d["stage"], entity, "stage")
            return Happening(at, "move", h.line, h.path, pipeline=p, stage=s)
        if kind == "field":
            name = _text(d["field"], "field")
            info = self.index.fields(entity).get(name)
            if info is None or (info.builtin and name != "responsible"):
                raise DataError("R107" if info is None else "R103", "field",
                                f"{name} is not a field of {entity} that people change" +
                                _hint(name, [k for k, i in self.index.fields(entity).items() if not i.builtin]))
            return Happening(at, "set", h.line, h.path, field=name, type=info.type,
                             value=self.value(d.get("value"), info.type, "value", info.choices))
        event = _text(d["event"], "event").strip().replace(" ", "_")
        if event not in schema.EVENTS:
            raise DataError("R103", "event", f'unknown event "{d["event"]}"' + _hint(event, schema.EVENTS))
        arg = d.get("arg")
        if event == "field_changed":
            names = arg if isinstance(arg, list) else [a.strip() for a in str(arg or "").split(",") if a.strip()]
            if not names:
                raise DataError("R102", "arg", "a field_changed event names its fields in arg")
            arg = tuple(str(n) for n in names)
        elif arg in (None, ""):
            arg = None
        else:
            arg = _text(arg, "arg")
        return Happening(at, "event", h.line, h.path, event=event, arg=arg)


def _at(row: Row) -> Span:
    return Span(row.path, row.line, 1, row.line, 1)


def _hint(name: str, candidates) -> str:
    best = suggest(name, list(candidates))
    return f'; did you mean "{best}"?' if best else ""
