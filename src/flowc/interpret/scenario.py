"""What a scenario feeds the engine: its time span (start and horizon, and
why), its declared records, and its timed happenings (a user moves a card,
sets a field, completes a task; an outside event such as a paid invoice).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .. import ir, limits, workcal
from .expr import compare, evaluate
from .params import client
from .stages import enter, move, reschedule
from .text import show_value
from .triggers import fire
from .values import EvalError
from .words import event_kind, happening_words
from .world import Chat, Record, chats_of, convert_decl, field_value, set_field, snapshot_fields, stage_label

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation

#: Without `run until` / `run for`: this many days after the start, the last
#: scenario event or the last expectation's time.
DEFAULT_HORIZON_DAYS = limits.DEFAULT_HORIZON_AFTER_LAST_EVENT.days


def horizon(sim: "Simulation", until: dt.datetime | None) -> tuple[dt.datetime, dt.datetime, str]:
    """(start, horizon, why the run ends there); sets `sim.horizon_cut` when
    the horizon is cut to the limit."""
    sc = sim.scenario
    times = [h.at for h in sc.happenings] + [x.at for x in sc.expectations if x.at is not None]
    if sc.start is not None:
        start_local = sc.start
    elif times:
        start_local = min(times)
    else:
        start_local = dt.datetime(2026, 1, 1)
    start = sim.local(start_local, sc.start_offset if sc.start is not None else None)
    end: dt.datetime | None = None
    try:
        if until is not None:
            why = "--until"
            end = sim.local(until)
        elif sc.until is not None:
            why = "run until"
            end = sim.local(sc.until, sc.until_offset)
        elif sc.run_for is not None:
            d = sc.run_for
            why = f"run for {d}"
            if d.is_months:
                end = workcal.add_months(start, d.months, sim.tz)
            elif d.is_days:
                end = workcal.add_days(start, d.days, sim.tz)
            else:
                end = start + dt.timedelta(minutes=d.minutes)
        else:
            last = max([start_local] + times)
            what = "the last scenario event" if last > start_local else "the start"
            why = f"{DEFAULT_HORIZON_DAYS} days after {what}; no `run until` or `run for`"
            end = sim.local(limits.default_end(start_local, last))
    except OverflowError:  # past year 9999
        end = None
    latest = sim.local(limits.latest_end(start_local))
    if end is None or end > latest:  # `--until` (the checker reports the others: F506)
        sim.horizon_cut = (f"{why} is more than {limits.MAX_HORIZON_YEARS} years after the start: "
                           f"the run stops at {sim.fmt(latest)}")
        end, why = latest, f"{why}, cut at {limits.MAX_HORIZON_YEARS} years"
    return start, max(start, end), why


def declare(sim: "Simulation", decl: ir.RecordDecl) -> None:
    """A record of the scenario enters its stage at the start."""
    entity = decl.entity.value
    found = sim.index.resolve_stage(decl.stage, None, entity)
    if found is None:
        sim.error = True
        sim.errors.append(f"record {decl.name.value} was left out")
        sim.emit("error", decl.name.value, reason=f'stage "{decl.stage}" not found; the record is left out')
        return
    pipeline, stage = found
    contacts: list[str] = []
    company = responsible = None
    fields: dict[str, Any] = {}
    for rv in decl.values:
        fname = rv.name.value
        names = [v.value if isinstance(v, ir.Name) else v for v in rv.values]
        if fname in ("contacts", "contact"):
            contacts = [str(n) for n in names if isinstance(n, str)]
        elif fname == "company":
            company = next((n for n in names if isinstance(n, str)), None)
        elif fname == "client":
            for n in names:
                if not isinstance(n, str):
                    continue
                p = sim.people.get(n)
                if p is not None and p.kind == "company":
                    company = n
                else:
                    contacts.append(n)
        elif fname == "responsible":
            responsible = next((n for n in names if isinstance(n, str)), None)
        elif fname == "id" and rv.values and isinstance(rv.values[0], ir.Literal) \
                and rv.values[0].type == "number":
            fields["id"] = str(rv.values[0].value)  # `id 4711`: an ID, not an amount (no 4,711)
        else:
            typ = sim.index.field_type(entity, (fname,))
            fields[fname] = convert_decl(sim, rv.values[0], typ) if rv.values else None
    if responsible is None:  # the first employee: of the project, else of the scenario
        responsible = next((n for n, p in sim.people.items() if p.kind == "employee"), None)
    fields.setdefault("title", decl.name.value)
    rec = Record(decl.name.value, entity, len(sim.records), pipeline, stage, fields, contacts, company,
                 responsible, sim.start)
    sim.records[rec.name] = rec
    snapshot_fields(sim, rec)
    enter(sim, rec, cause="scenario start", kind="entered")


def happen(sim: "Simulation", h: ir.Happening) -> None:
    """A timed happening of the scenario, at its time."""
    name = h.record.value
    rec = sim.records.get(name)
    what = happening_words(h)
    if rec is None:
        sim.emit("event", name, event=event_kind(h), detail=what, cause="scenario",
                 reason=f"there is no record {name} (yet): nothing happens")
        return
    if rec.stopped:
        sim.emit("event", rec, event=event_kind(h), detail=what, cause="scenario",
                 reason=f"{name} was stopped (loop): nothing happens")
        return
    if h.kind == "move":
        found = sim.index.resolve_stage(h.stage, rec.pipeline, rec.entity) if h.stage else None
        if found is None:
            sim.emit("event", rec, event="move", detail=what, cause="scenario",
                     reason=f'stage "{h.stage}" not found: nothing happens')
            return
        p, s = found
        if s is rec.stage:
            sim.emit("event", rec, event="move", detail=what, cause="scenario",
                     reason=f"{name} is already in {stage_label(p, s)}: nothing happens")
            return
        move(sim, rec, p, s, cause="moved by hand (scenario)")
        return
    if h.kind == "set":
        field = h.field.path[0]
        try:
            value = evaluate(sim, h.value, rec)
        except EvalError as e:
            sim.emit("event", rec, event="set", detail=what, cause="scenario",
                     reason=f"the value cannot be computed: {e}")
            return
        old = field_value(sim, rec, (field,))
        _old, new, typ = set_field(sim, rec, (field,), value)
        changed = not (compare(sim, "=", old, new) and (old is None) == (new is None))
        sim.emit("event", rec, event="set", cause="scenario",
                 detail=f"{field} set to {show_value(sim, new, typ, quote=True)} by a user "
                        f"(was {show_value(sim, old, typ, quote=True)})",
                 reason=None if changed else "the value did not change")
        if changed:
            reschedule(sim, rec, field, old, new)
            if field == "responsible":
                fire(sim, rec, "responsible_changed", None, cause="a user's change")
            else:
                fire(sim, rec, "field_changed", None, cause="a user's change", fields=(field,))
        return
    if h.kind == "task_done":
        task = next((t for t in rec.tasks if t.open), None)
        if task is None:
            sim.emit("event", rec, event="task_status", detail="complete task", cause="scenario",
                     reason=f"{name} has no open task: nothing happens")
            return
        task.open = False
        task.completed = sim.now
        sim.emit("event", rec, event="task_status", cause="scenario",
                 detail=f'task #{task.id} "{task.title}" completed')
        fire(sim, rec, "task_status", "completed", cause="scenario")
        return
    ev = h.event
    arg = ev.arg
    kind = ev.kind
    note = None
    if kind == "link_clicked" and not rec.tracked_emails:
        sim.emit("event", rec, event=kind, detail=what, cause="scenario",
                 reason=f"{name} was sent no e-mail with tracked clicks, so the click is not seen: nothing happens")
        return
    if kind in ("chat_first_message", "chat_message"):
        kind, note = client_writes(sim, rec, kind, arg.value if isinstance(arg, ir.Name) else arg)
    sim.emit("event", rec, event=ev.kind, detail=what, cause="scenario", reason=note)
    if kind == "field_changed":
        fire(sim, rec, ev.kind, None, cause="scenario", fields=tuple(n.value for n in arg or ()))
    else:
        fire(sim, rec, kind, arg.value if isinstance(arg, ir.Name) else arg, cause="scenario")


def client_writes(sim: "Simulation", rec: Record, kind: str, channel: str | None) -> tuple[str, str | None]:
    """The record's client writes in a chat (docs/semantics.md, triggers): a
    message creates the chat it is written in when there is none (in Telegram
    after an invitation, else in the open channel); a message that does is a
    first message.  Returns (the event kind to fire, a note)."""
    person, _, err = client(sim, rec)
    if err or person is None:
        return kind, None
    chats = chats_of(sim, person)
    who = person.name.value
    if "telegram" in sim.invited.get(who, ()) and not any(c.messenger == "telegram" for c in chats):
        chats.append(Chat("telegram"))
        return "chat_first_message", f"{who} wrote in Telegram after the invitation: the chat is created"
    if not chats:
        lines = [c for c in sim.channels if c.kind.value == "openlines"]
        label = channel or (lines[0].label if lines else None)
        chats.append(Chat("openlines", None, label))
        where = f' "{label}"' if label else ""
        return "chat_first_message", f"{who} had no chat: this first message creates one in the open channel{where}"
    return kind, None
