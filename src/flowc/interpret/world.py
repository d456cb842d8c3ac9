"""The simulated world: records (their stage, fields, people, tasks and
activities, tracked e-mails), the clients' chats, robot runs and their last
known states, and the field and stage histories that expectations look back
into.

Functions here read and write a record's values: `field_value` (a path such
as `client.email`), `set_field`, `convert` (a value stored into a field of a
type).  `sim` is the running `engine.Simulation`.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from .. import ir, workcal
from .values import EvalError, format_number, to_decimal

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation


@attrs.define(eq=False)
class Task:
    id: int
    title: str
    record: str
    responsible: str | None
    open: bool = True
    detail: str = ""  # what its robot did (`expect task ... with`)
    created: dt.datetime | None = None
    completed: dt.datetime | None = None


@attrs.define(eq=False)
class Activity:
    title: str
    visit: int
    complete_on_stage_change: bool
    open: bool = True
    detail: str = ""
    created: dt.datetime | None = None
    completed: dt.datetime | None = None


@attrs.frozen
class Chat:
    """A chat with a client: in an open channel (`chat joana_silva`, or created
    by the client's first message) or in Telegram (after `invite to telegram`)."""
    messenger: str  # "openlines" or "telegram"
    account: str | None = None  # a declared chat account
    label: str | None = None  # the open channel or the Telegram channel, as connected


@attrs.define(eq=False)
class Record:
    name: str
    entity: str
    seq: int
    pipeline: ir.Pipeline | None
    stage: ir.Stage | None
    fields: dict[str, Any]
    contacts: list[str]
    company: str | None
    responsible: str | None
    created: dt.datetime
    visit: int = 0
    runs: list["RobotRun"] = attrs.Factory(list)
    tasks: list[Task] = attrs.Factory(list)
    activities: list[Activity] = attrs.Factory(list)
    stopped: str | None = None
    since: dt.datetime | None = None  # when it entered its current stage
    moves_at: dt.datetime | None = None
    moves_path: list[str] = attrs.Factory(list)
    base: str | None = None   # a created record: the name it was made under (before any _2)
    maker: str | None = None  # ... and the robot that made it
    tracked_emails: int = 0  # e-mails sent with `track clicks`: clicks are seen only then


@attrs.define(eq=False)
class RobotRun:
    robot: ir.Robot
    record: Record
    pipeline: ir.Pipeline
    stage: ir.Stage
    visit: int
    position: int
    status: str = "new"  # new, pending (after previous), scheduled, done, failed, skipped, cancelled, waiting
    due: dt.datetime | None = None
    next: "RobotRun | None" = None
    previous: "RobotRun | None" = None
    base: dt.datetime | None = None  # what its timing counts from (rescheduling counts from it again)
    base_what: str = "entering"


@attrs.frozen
class RobotState:
    status: str
    at: dt.datetime
    reason: str | None
    stage: str
    due: dt.datetime | None = None
    detail: str | None = None  # the action as done


# ------------------------------------------------------------------ names and words

def stage_label(pipeline: ir.Pipeline | None, stage: ir.Stage) -> str:
    return f'"{stage.title}"' if stage.title else stage.name.value


def entity_word(sim: "Simulation", rec: Record) -> str:
    decl = sim.index.entities.get(rec.entity)
    return rec.entity if decl is None or not decl.title else decl.title.lower()


def person_name(sim: "Simulation", name: str | None) -> str:
    if name is None:
        return ""
    p = sim.people.get(name)
    return (p.title or p.name.value) if p is not None else name


def new_name(sim: "Simulation", base: str) -> str:
    """`base`, or `base_2`, `base_3`... when a record has that name."""
    if base not in sim.records:
        return base
    k = sim.next_suffix.get(base, 2)
    while f"{base}_{k}" in sim.records:
        k += 1
    sim.next_suffix[base] = k + 1
    return f"{base}_{k}"


# ------------------------------------------------------------------ values of records

def is_field(sim: "Simulation", rec: Record, path: tuple[str, ...]) -> bool:
    return path[0] in sim.index.fields(rec.entity) or path[0] in ("contacts",) or path[0] in rec.fields


def field_value(sim: "Simulation", rec: Record, path: tuple[str, ...], fields: dict | None = None) -> Any:
    """The value at `path` (`amount`, `client.email`, `responsible.supervisor`);
    `fields`: the record's fields at another time (from its history)."""
    head = path[0]
    fields = rec.fields if fields is None else fields
    if head in ("contact", "contacts"):
        value = rec.contacts[0] if rec.contacts else None
    elif head == "client" and head not in fields:
        value = rec.contacts[0] if rec.contacts else rec.company
    elif head == "company" and head not in fields:
        value = rec.company
    elif head == "responsible":
        value = rec.responsible if fields is rec.fields else fields.get("responsible", rec.responsible)
    elif head == "stage":
        value = rec.stage.name.value if rec.stage else None
    elif head == "pipeline":
        value = rec.pipeline.name.value if rec.pipeline else None
    elif head == "created":
        value = rec.created
    elif head == "id" and not fields.get("id"):
        value = rec.name  # a record's ID: its name, unless it gives one
    elif head in fields:
        value = fields[head]
    elif head in sim.index.fields(rec.entity):
        value = None
    else:
        return head if len(path) == 1 else None  # a bare name: an employee, a contact, a list choice
    for part in path[1:]:
        if value is None:
            return None
        person = sim.people.get(value) if isinstance(value, str) else None
        if person is None:
            return None
        if part == "name":
            value = person.title or person.name.value
        elif part == "email":
            value = person.emails[0].value if person.emails else None
        elif part == "phone":
            value = person.phones[0].value if person.phones else None
        elif part == "supervisor":
            value = person.supervisor.value if person.supervisor else None
        elif part == "company":
            value = person.company.value if person.company else None
        else:
            return None
    return value


def literal(sim: "Simulation", lit: ir.Literal) -> Any:
    v = lit.value
    if lit.type == "number":
        return to_decimal(v)
    if lit.type == "datetime":
        return sim.local(v)
    return v


def convert(sim: "Simulation", value: Any, typ: str | None) -> Any:
    """A value stored into a field of type `typ`."""
    if value is None or value == "":
        return None if typ not in ("text",) else (value or None)
    if typ in ("money", "number"):
        try:
            v = to_decimal(value)
        except EvalError:
            return value
        return v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if typ == "money" else v
    if typ == "date":
        if isinstance(value, dt.datetime):
            return workcal.to_local(value, sim.tz).date()
        return value
    if typ == "datetime":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return sim.local(dt.datetime.combine(value, dt.time()))
        return value
    if typ == "text" and isinstance(value, Decimal):
        return format_number(value)
    return value


def convert_decl(sim: "Simulation", value: Any, typ: str | None) -> Any:
    """A value written in a scenario's record declaration."""
    if isinstance(value, ir.Name):
        return value.value
    if isinstance(value, ir.Literal):
        return convert(sim, literal(sim, value), typ)
    return None


def set_field(sim: "Simulation", rec: Record, path: tuple[str, ...], value: Any) -> tuple[Any, Any, str | None]:
    """Store a value; returns (old, new, type)."""
    field = path[0]
    typ = sim.index.field_type(rec.entity, (field,))
    new = convert(sim, value, typ)
    if field == "responsible":
        old = rec.responsible
        rec.responsible = new
    elif field in ("contact", "contacts") or (field == "client" and "client" not in rec.fields
                                               and typ in ("client", "contact")):
        old = rec.contacts[0] if rec.contacts else None
        rec.contacts = [new] + rec.contacts[1:] if new is not None else rec.contacts[1:]
    elif field == "company" and "company" not in rec.fields:
        old = rec.company
        rec.company = new
    else:
        old = rec.fields.get(field)
        rec.fields[field] = new
    history_field(sim, rec, field, new)
    return old, new, typ


# ------------------------------------------------------------------ histories

def history_field(sim: "Simulation", rec: Record, field: str, value: Any) -> None:
    """Kept only for the records an expectation looks back into (`expect ... at`)."""
    if rec.name in sim.field_history_for:
        sim.field_history.setdefault(rec.name, []).append((sim.now, field, value))


def snapshot_fields(sim: "Simulation", rec: Record) -> None:
    if rec.name in sim.field_history_for:
        history_field(sim, rec, "responsible", rec.responsible)
        for f, v in rec.fields.items():
            history_field(sim, rec, f, v)


def chats_of(sim: "Simulation", person: ir.Person) -> list[Chat]:
    """The chats with a person, oldest first: the declared `chat` accounts (open
    channel chats the client started before), then those created during the run."""
    got = sim.chats.get(person.name.value)
    if got is None:
        got = sim.chats[person.name.value] = [Chat("openlines", c.value) for c in person.chats]
    return got


def history_stage(sim: "Simulation", rec: Record) -> None:
    if rec.name in sim.stage_history_for:
        sim.stage_history.setdefault(rec.name, []).append(
            (sim.now, rec.pipeline.name.value, rec.stage.name.value))
