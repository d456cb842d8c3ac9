"""The robots' actions: one function per action of `flowc.schema.ACTIONS`,
registered in `ACTIONS` under the same key.  Each takes (sim, run, action,
record) and returns an `Outcome`: the status, the action as done (recipients,
rendered texts), a note, and an effect on the simulated world that the engine
applies after the robot's line (a move, a field change, a new record, an
event for the triggers).
"""
from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import TYPE_CHECKING, Any, Callable

import attrs

from .. import ir, limits, workcal
from .expr import compare, evaluate
from .stages import create, move
from .text import render, show_value
from .timing import shift
from .triggers import fire
from .values import WEEKDAYS
from .words import action_words
from .world import (
    Activity, Record, RobotRun, Task, convert, entity_word, field_value, history_field, set_field, stage_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Simulation

#: Longest SMS text, after the placeholders are filled in.
MAX_SMS_LENGTH = limits.SMS_MAX_LENGTH
#: Longest text a robot writes into a field (the title of a copy or a repeat lead).
MAX_TEXT_LENGTH = limits.MAX_TEXT_LENGTH


@attrs.frozen
class Outcome:
    """What a robot's action did: a final status, the rendered action, notes,
    and the effect on the simulated world (applied after the robot's line)."""
    status: str
    detail: str
    reason: str | None = None
    effect: Any = None  # a callable, or None


Action = Callable[["Simulation", RobotRun, ir.Action, Record], Outcome]


def act(sim: "Simulation", run: RobotRun) -> Outcome:
    """Run a robot's action (an action without an entry is recorded only)."""
    a = run.robot.action
    handler = ACTIONS.get(a.kind)
    if handler is None:
        return Outcome("done", action_words(a), "not simulated: recorded only")
    return handler(sim, run, a, run.record)


# ------------------------------------------------------------------ who and where

def _fail(detail: str, why: str) -> Outcome:
    return Outcome("failed", detail, why)


def _too_long(what: str, written: str) -> str:
    return (f"the {what} is {len(written):,} characters long once the fields are filled in; "
            f"a text field holds at most {MAX_TEXT_LENGTH:,}")


def recipient(sim: "Simulation", rec: Record, r: ir.Recipient) -> tuple[str | None, str | None]:
    """(the employee, an error)."""
    if r.kind == "employee":
        return r.name.value, None
    if rec.responsible is None:
        return None, f"the {entity_word(sim, rec)} has no responsible"
    if r.kind == "responsible":
        return rec.responsible, None
    p = sim.people.get(rec.responsible)
    if p is None or p.supervisor is None:
        return None, f"the responsible ({rec.responsible}) has no supervisor"
    return p.supervisor.value, None


def client(sim: "Simulation", rec: Record) -> tuple[ir.Person | None, str | None, str | None]:
    """(the client, a note, an error)."""
    note = None
    if rec.contacts:
        name = rec.contacts[0]
        if len(rec.contacts) > 1:
            note = f"{rec.name} has {len(rec.contacts)} contacts; the first ({name}) is used"
        elif rec.company:
            note = f"{rec.name} has a contact and a company; the contact ({name}) is used"
    elif rec.company:
        name = rec.company
    else:
        return None, None, f"{rec.name} has no client (no contact or company)"
    p = sim.people.get(name)
    if p is None:
        return None, None, f"the client {name} is not declared in the scenario"
    return p, note, None


def pick(person: ir.Person, what: str, choice: ir.AddressChoice | None,
         default: str = "auto") -> tuple[ir.Contact | None, str | None]:
    """An e-mail address or phone number of a person, by type and first/last."""
    items = person.emails if what == "email" else person.phones
    typ = choice.type.value if choice is not None else default
    which = choice.which.value if choice is not None and choice.which is not None else "first"
    cands = list(items) if typ == "auto" else [c for c in items if c.type == typ]
    noun = "e-mail address" if what == "email" else "phone number"
    if not cands:
        kind = "" if typ == "auto" else f"{typ} "
        article = "an" if (kind or noun)[0] in "aeiou" else "a"
        return None, f"the client {person.name.value} has no {kind}{noun}" if typ != "auto" else \
            f"the client {person.name.value} has no {noun} at all ({article} {noun} of any type is needed)"
    return (cands[0] if which == "first" else cands[-1]), None


def channel(sim: "Simulation", kind: str) -> list[ir.Channel]:
    return [c for c in sim.channels if c.kind.value == kind]


def deadline(sim: "Simulation", d: ir.Deadline | None) -> str | None:
    if d is None:
        return None
    today = workcal.to_local(sim.now, sim.tz).date()
    if d.kind == "in" and d.duration is not None:
        return sim.fmt(shift(sim, sim.now, d.duration, 1, None))
    if d.kind in ("today", "tomorrow"):
        day = today + dt.timedelta(days=1 if d.kind == "tomorrow" else 0)
    else:
        day = d.date
    if day is None:
        return None
    if d.time is None:
        return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"
    return sim.fmt(sim.local(dt.datetime.combine(day, d.time)))


def _attachments(a: ir.Action) -> list[str]:
    att = a.get("attach")
    if not att:
        return []
    return ["attach " + ", ".join(f'"{x.value}"' if x.kind == "file" else x.value for x in att)]


# ------------------------------------------------------------------ work

def notify(sim, run, a, rec):
    who, err = recipient(sim, rec, a.get("to"))
    msg = render(sim, a.get("message"), rec)
    if err:
        return Outcome("failed", f'notify {a.get("to")} "{msg}"', err)
    return Outcome("done", f'notify {who} "{msg}"')


def create_task(sim, run, a, rec):
    title = render(sim, a.get("title"), rec)
    resp = a.get("responsible")
    who, err = recipient(sim, rec, resp) if resp is not None else (rec.responsible, None)
    if err:
        return Outcome("failed", f'create task "{title}"', err)
    sim.tasks += 1
    task = Task(sim.tasks, title, rec.name, who)
    parts = [f'create task #{task.id} "{title}" for {who}']
    if a.get("deadline") is not None:
        parts.append(f"deadline {deadline(sim, a.get('deadline'))}")
    if a.get("priority") is not None:
        parts.append(f"priority {a.get('priority')}")
    if a.get("observers"):
        parts.append("observers " + ", ".join(n.value for n in a.get("observers")))
    if a.get("description") is not None:
        parts.append(f'description "{render(sim, a.get("description"), rec)}"')
    parts += _attachments(a)
    return Outcome("done", ", ".join(parts), effect=lambda: rec.tasks.append(task))


def plan_activity(sim, run, a, rec):
    title = render(sim, a.get("title"), rec) or "Activity"
    resp = a.get("responsible")
    who, err = recipient(sim, rec, resp) if resp is not None else (rec.responsible, None)
    if err:
        return Outcome("failed", f'plan activity "{title}"', err)
    parts = [f'plan activity "{title}" for {who}']
    if a.get("deadline") is not None:
        parts.append(f"deadline {deadline(sim, a.get('deadline'))}")
    for key in ("description", "address", "link"):
        if a.get(key) is not None:
            parts.append(f'{key} "{render(sim, a.get(key), rec)}"')
    if a.get("location"):
        parts.append(f'location "{a.get("location")}"')
    if a.get("invite"):
        parts.append("invite " + ", ".join(n.value for n in a.get("invite")))
    if a.get("color") is not None:
        parts.append(f"color {a.get('color')}")
    if a.get("add_to_calendar"):
        parts.append("added to the calendar")
    parts += _attachments(a)
    complete = bool(a.get("complete_on_stage_change"))
    if complete:
        parts.append("completed on stage change")
    activity = Activity(title, rec.visit, complete)
    return Outcome("done", ", ".join(parts), effect=lambda: rec.activities.append(activity))


def change_responsible(sim, run, a, rec):
    options = a.get("to") or ()
    key = (run.pipeline.name.value, run.stage.name.value, run.robot.name.value)
    turn = sim.turns.get(key, 0)
    sim.turns[key] = turn + 1
    r = options[turn % len(options)]
    who, err = recipient(sim, rec, r)
    names = " or ".join(str(o) for o in options)
    if err:
        return Outcome("failed", f"change responsible to {names}", err)
    note = f"turn {turn % len(options) + 1} of {len(options)}" if len(options) > 1 else None
    old = rec.responsible
    if who == old:
        return Outcome("done", f"change responsible to {who}",
                       "; ".join(x for x in (note, f"{who} is already responsible") if x))

    def effect():
        rec.responsible = who
        history_field(sim, rec, "responsible", who)
        fire(sim, rec, "responsible_changed", None, cause=f"robot {run.robot.name.value}")
    return Outcome("done", f"change responsible to {who} (was {old})", note, effect)


def set_field_action(sim, run, a, rec):
    ref: ir.FieldRef = a.get("field")
    expr = a.get("value")
    field = ref.path[0]
    typ = sim.index.field_type(rec.entity, (field,))
    if field in ("stage", "pipeline", "created"):
        return Outcome("failed", f"set {ref.text}", f"{field} cannot be set (use `move to`)")
    value = evaluate(sim, expr, rec)
    shown_new = show_value(sim, convert(sim, value, typ), typ, quote=True)
    old = field_value(sim, rec, (field,))
    same = compare(sim, "=", old, convert(sim, value, typ)) and (old is None) == (value is None)
    detail = f"set {ref.text} = {shown_new} (was {show_value(sim, old, typ, quote=True)})"
    if same:
        return Outcome("done", detail, "the value did not change")

    def effect():
        set_field(sim, rec, ref.path, value)
        fire(sim, rec, "field_changed", None, cause=f"robot {run.robot.name.value}", fields=(field,))
    return Outcome("done", detail, effect=effect)


def move_to(sim, run, a, rec):
    ref: ir.StageRef = a.get("stage")
    found = sim.index.resolve_stage(ref, rec.pipeline, rec.entity)
    if found is None:
        return Outcome("failed", f"move to {ref}", f'stage "{ref}" not found')
    p, s = found
    label = stage_label(p, s)
    if s is rec.stage:
        return Outcome("done", f"move to {label}", f"{rec.name} is already in {label}")
    return Outcome("done", f"move to {label}",
                   effect=lambda: move(sim, rec, p, s, cause=f"robot {run.robot.name.value}"))


def create_document(sim, run, a, rec):
    tpl = a.get("template")
    name = tpl.value if tpl is not None else "?"
    title = render(sim, a.get("title"), rec)
    detail = f"create document from template {name}" + (f' "{title}"' if title else "")
    return Outcome("done", detail, effect=lambda: fire(
        sim, rec, "document_created", name, cause=f"robot {run.robot.name.value}"))


# ------------------------------------------------------------------ messages

def send_email(sim, run, a, rec):
    subject = render(sim, a.get("subject"), rec)
    words = f'send email "{subject}"'
    sender = a.get("from", "auto")
    if sender == "auto":
        if rec.responsible is None:
            return _fail(words, f"the {entity_word(sim, rec)} has no responsible, so `from auto` has no mailbox")
        p = sim.people.get(rec.responsible)
        if p is None or not p.mailboxes:
            return _fail(words, f"from auto: {rec.responsible} has no connected mailbox "
                                f"({rec.responsible} is the responsible)")
        sender_addr = p.mailboxes[0].value
    else:
        sender_addr = sender
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    addr, err = pick(person, "email", a.get("to"))
    if err:
        return _fail(words, err)
    parts = [f'send email "{subject}" to {addr.value} ({person.name.value}) from {sender_addr}']
    if a.get("text") is not None:
        parts.append(f'text "{render(sim, a.get("text"), rec)}"')
    parts += _attachments(a)
    if a.get("track_clicks"):
        parts.append("clicks tracked")
    return Outcome("done", ", ".join(parts), note, effect=lambda: fire(
        sim, rec, "email_sent", None, cause=f"robot {run.robot.name.value}"))


def send_sms(sim, run, a, rec):
    shown = render(sim, a.get("text"), rec)
    length = len(render(sim, a.get("text"), rec, raw=True))
    words = f'send sms "{shown}"'
    providers = channel(sim, "sms")
    if not providers:
        return _fail(words, "no SMS provider is connected (the scenario has no `channel sms`)")
    provider = providers[0]
    wanted = a.get("provider")
    if wanted is not None:
        provider = next((c for c in providers if c.label == wanted), None)
        if provider is None:
            return _fail(words, f'the SMS provider "{wanted}" is not connected')
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    phone, err = pick(person, "phone", a.get("to"))
    if err:
        return _fail(words, err)
    if length == 0:
        return _fail(words, "the text is empty once the fields are filled in")
    if length > MAX_SMS_LENGTH:
        return _fail(words, f"the text is {length} characters long once the fields are filled in; "
                            f"an SMS takes at most {MAX_SMS_LENGTH}")
    via = f' via "{provider.label}"' if provider.label else ""
    return Outcome("done", f'send sms to {phone.value} ({person.name.value}){via}: "{shown}"', note)


def send_chat(sim, run, a, rec):
    shown = render(sim, a.get("text"), rec)
    words = f'send chat "{shown}"'
    lines = channel(sim, "openlines")
    if not lines:
        return _fail(words, "no open channel chat is connected (the scenario has no "
                            "`channel openlines`), so there is no chat with the client")
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    if not person.chats:
        return _fail(words, f"there is no chat with the client {person.name.value} "
                            "(the contact has no `chat`)")
    chat = person.chats[-1].value
    hidden = " (hidden: only employees see it)" if a.get("hidden") else ""
    via = f' in open channel "{lines[0].label}"' if lines[0].label else ""
    parts = [f'send chat to {person.name.value} (chat {chat}{via}){hidden}: "{shown}"']
    parts += _attachments(a)
    return Outcome("done", ", ".join(parts), note)


def make_call(sim, run, a, rec):
    say = a.get("say")
    content = f'say "{render(sim, say, rec)}"' if say is not None else f'play "{a.get("play")}"'
    words = f"make call and {content}"
    lines = channel(sim, "telephony")
    if not lines:
        return _fail(words, "no telephony is connected (the scenario has no `channel telephony`)")
    line = lines[0]
    if a.get("line") is not None:
        line = next((c for c in lines if c.label == a.get("line")), None)
        if line is None:
            return _fail(words, f'the telephony line "{a.get("line")}" is not connected')
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    phone, err = pick(person, "phone", a.get("to"))
    if err:
        return _fail(words, err)
    frm = f" from {line.label}" if line.label else ""
    extras = [f"{k} {a.get(k)}" for k in ("voice", "volume", "speed") if a.get(k) is not None]
    return Outcome("done", f"call {phone.value} ({person.name.value}){frm} and {content}"
                   + (f" ({', '.join(str(x) for x in extras)})" if extras else ""), note)


def invite(sim, run, a, rec):
    messenger = a.get("messenger")
    m = messenger.value if messenger is not None else "telegram"
    words = f"invite to {m}"
    if not channel(sim, m):
        return _fail(words, f"the {m.capitalize()} channel is not connected "
                            f"(the scenario has no `channel {m}`)")
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    phone, err = pick(person, "phone", a.get("to"))
    if err:
        return _fail(words, err)
    shown = render(sim, a.get("text"), rec)
    return Outcome("done", f"invite {person.name.value} to {m}: SMS to {phone.value}"
                   + (f' "{shown}"' if shown else ""), note)


# ------------------------------------------------------------------ records

def create_repeat_lead(sim, run, a, rec):
    person, note, err = client(sim, rec)
    title = render(sim, a.get("title"), rec) or rec.fields.get("title") or rec.name
    if len(title) > MAX_TEXT_LENGTH:
        return Outcome("failed", "create repeat lead", _too_long("title", title))
    words = f'create repeat lead "{title}"'
    if err:
        return _fail(words, f"a repeat lead needs the {entity_word(sim, rec)}'s client, "
                            f"and {rec.name} has none (no contact or company)")
    resp = a.get("responsible")
    who, err = recipient(sim, rec, resp) if resp is not None else (rec.responsible, None)
    if err:
        return _fail(words, err)
    pipes = sim.index.pipelines_for("lead")
    pipeline = pipes[0] if pipes else None
    stage = pipeline.stages[0] if pipeline and pipeline.stages else None
    where = f" in {stage_label(pipeline, stage)}" if stage else " (there is no lead pipeline: it has no stage)"
    contacts = list(rec.contacts)
    company = rec.company

    def effect():
        create(sim, rec, run.robot, "lead", pipeline, stage, {"title": title}, contacts, company, who,
               f"repeat lead of {rec.name}")
    return Outcome("done", f'{words} for {person.name.value}, responsible {who}{where}', note, effect)


def copy_record(sim, run, a, rec):
    ent = a.get("entity")
    ref = a.get("stage")
    if ref is not None:
        found = sim.index.resolve_stage(ref, rec.pipeline, rec.entity)
        if found is None:
            return Outcome("failed", f"copy {ent} to {ref}", f'stage "{ref}" not found')
        pipeline, stage = found
    else:
        pipeline, stage = rec.pipeline, rec.pipeline.stages[0]
    original = rec.fields.get('title') or rec.name
    title = render(sim, a.get("title"), rec) or (
        original if original.endswith(" (copy)") else f"{original} (copy)")  # a copy of a copy: once
    if len(title) > MAX_TEXT_LENGTH:
        return Outcome("failed", f"copy {rec.name}", _too_long("title", title))
    resp = a.get("responsible")
    who, err = recipient(sim, rec, resp) if resp is not None else (rec.responsible, None)
    label = stage_label(pipeline, stage)
    where = f"{pipeline.name.value}.{stage.name.value}"
    if err:
        return Outcome("failed", f"copy {rec.name} to {label} ({where})", err)
    fields = dict(rec.fields)
    fields["title"] = title
    contacts = list(rec.contacts)
    company = rec.company

    def effect():
        create(sim, rec, run.robot, rec.entity, pipeline, stage, fields, contacts, company, who,
               f"copy of {rec.name}")
    return Outcome("done", f'copy {rec.name} to {label} ({where}) as "{title}", responsible {who}',
                   effect=effect)


# ------------------------------------------------------------------ outside services

def add_to_audience(sim, run, a, rec):
    audience = a.get("audience")
    net = a.get("network")
    words = f'add to audience "{audience}"'
    if net is not None:
        network = net.value
        if not channel(sim, network):
            return _fail(words, f"no {network.capitalize()} ad account is connected "
                                f"(the scenario has no `channel {network}`)")
    else:
        network = next((n for n in ("facebook", "google") if channel(sim, n)), None)
        if network is None:
            return _fail(words, "no ad account is connected "
                                "(the scenario has no `channel facebook` or `channel google`)")
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    contact = (person.emails[0].value if person.emails else None) or \
              (person.phones[0].value if person.phones else None)
    if contact is None:
        return _fail(words, f"the client {person.name.value} has no e-mail address or phone number")
    return Outcome("done", f'add {contact} ({person.name.value}) to audience "{audience}" on {network}', note)


def webhook(sim, run, a, rec):
    url = a.get("url") or ""
    words = f'webhook "{url}"'
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        return _fail(words, f'the webhook URL "{url}" is malformed: '
                            "it must start with http:// or https:// and name a host")
    return Outcome("done", f"{words} (recorded, not sent)")


def app(sim, run, a, rec):
    shown = render(sim, a.get("text"), rec)
    return Outcome("done", f'app "{a.get("app")}"' + (f': "{shown}"' if shown else ""))


#: Action kind (the keys of flowc.schema.ACTIONS) -> its function.
ACTIONS: dict[str, Action] = {
    "notify": notify,
    "create_task": create_task,
    "plan_activity": plan_activity,
    "change_responsible": change_responsible,
    "set_field": set_field_action,
    "move_to": move_to,
    "create_document": create_document,
    "send_email": send_email,
    "send_sms": send_sms,
    "send_chat": send_chat,
    "make_call": make_call,
    "invite": invite,
    "create_repeat_lead": create_repeat_lead,
    "copy_record": copy_record,
    "add_to_audience": add_to_audience,
    "webhook": webhook,
    "app": app,
}
