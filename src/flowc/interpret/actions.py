"""The robots' actions: one function per action of `flowc.schema.ACTIONS`,
registered in `ACTIONS` under the same key.  Each takes (sim, run, action,
record) and returns an `Outcome`: the status, the action as done (recipients,
rendered texts), a note, and what it does to the simulated world, applied by
`batch` once every robot due with it has run: an effect on the record (a
field, the responsible, a task, a new record), the events the triggers see,
a stage move.  What the parameters mean on the record (employees
or employee fields, deadlines, attachments) is `params`.
"""
from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any, Callable

import attrs

from .. import ir, limits
from .expr import compare, evaluate, values_of
from .params import attachments, client, deadline, employees, recipient  # noqa: F401 (replay uses client, recipient)
from .stages import create, reschedule
from .text import render, show_value, source_text
from .values import EvalError
from .words import action_words
from .world import (
    Activity, Record, RobotRun, Task, chats_of, convert, entity_word, field_value, history_field,
    set_field, stage_label,
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
    and what it does to the simulated world (applied after its batch's lines):
    an effect on the record, events for the triggers, a stage move."""
    status: str
    detail: str
    reason: str | None = None
    effect: Any = None  # a callable, or None
    events: tuple = ()  # (kind, arg, fields, cause) for triggers.fire_many
    move: Any = None  # (pipeline, stage, cause)


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


def _notes(*notes: str | list[str] | None) -> str | None:
    flat: list[str] = []
    for n in notes:
        if isinstance(n, list):
            flat.extend(n)
        elif n:
            flat.append(n)
    return "; ".join(flat) or None


# ------------------------------------------------------------------ work

def notify(sim, run, a, rec):
    who, err = recipient(sim, rec, a.get("to"), "nobody can be notified")
    msg = render(sim, a.get("message"), rec)
    if err:
        return Outcome("failed", f'notify {a.get("to")} "{msg}"', err)
    return Outcome("done", f'notify {who} "{msg}"')


def _responsible(sim, rec, a, what: str) -> tuple[str | None, str | None]:
    resp = a.get("responsible")
    if resp is None:
        return rec.responsible, None
    return recipient(sim, rec, resp, f"the {what} has no responsible")


def create_task(sim, run, a, rec):
    title = render(sim, a.get("title"), rec)
    who, err = _responsible(sim, rec, a, "task")
    if not err:
        observers, err = employees(sim, rec, a.get("observers"), "{name} cannot observe the task")
    if not err:
        due, err = deadline(sim, a.get("deadline"), rec)
    if err:
        return Outcome("failed", f'create task "{title}"', err)
    sim.tasks += 1
    task = Task(sim.tasks, title, rec.name, who, created=sim.now)
    parts = [f'create task #{task.id} "{title}" for {who}']
    if due is not None:
        parts.append(f"deadline {due}")
    if a.get("priority") is not None:
        parts.append(f"priority {a.get('priority')}")
    if observers:
        parts.append("observers " + ", ".join(observers))
    if a.get("description") is not None:
        parts.append(f'description "{render(sim, a.get("description"), rec)}"')
    files, notes = attachments(sim, a, rec)
    task.detail = ", ".join(parts + files)
    return Outcome("done", task.detail, _notes(notes), effect=lambda: rec.tasks.append(task))


def plan_activity(sim, run, a, rec):
    title = render(sim, a.get("title"), rec)
    who, err = _responsible(sim, rec, a, "activity")
    if not err:
        invited, err = employees(sim, rec, a.get("invite"), "{name} cannot be invited")
    if not err:
        due, err = deadline(sim, a.get("deadline"), rec)
    if err:
        return Outcome("failed", f'plan activity "{title}"', err)
    parts = [f'plan activity "{title}" for {who}']
    if due is not None:
        parts.append(f"deadline {due}")
    for key in ("description", "address", "link"):
        if a.get(key) is not None:
            parts.append(f'{key} "{render(sim, a.get(key), rec)}"')
    if a.get("location"):
        parts.append(f'location "{a.get("location")}"')
    if invited:
        parts.append("invite " + ", ".join(invited))
    if a.get("color") is not None:
        parts.append(f"color {a.get('color')}")
    if a.get("add_to_calendar"):
        parts.append("added to the calendar")
    files, notes = attachments(sim, a, rec)
    parts += files
    complete = bool(a.get("complete_on_stage_change"))
    if complete:
        parts.append("completed on stage change")
    activity = Activity(title, rec.visit, complete, detail=", ".join(parts), created=sim.now)
    return Outcome("done", activity.detail, _notes(notes), effect=lambda: rec.activities.append(activity))


def change_responsible(sim, run, a, rec):
    options = a.get("to") or ()
    key = (run.pipeline.name.value, run.stage.name.value, run.robot.name.value)
    turn = sim.turns.get(key, 0)
    sim.turns[key] = turn + 1
    r = options[turn % len(options)]
    who, err = recipient(sim, rec, r, "there is nobody to make responsible")
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
    return Outcome("done", f"change responsible to {who} (was {old})", note, effect,
                   events=(("responsible_changed", None, (), f"robot {run.robot.name.value}"),))


def set_field_action(sim, run, a, rec):
    ref: ir.FieldRef = a.get("field")
    expr = a.get("value")
    field = ref.path[0]
    typ = sim.index.field_type(rec.entity, (field,))
    if field in ("stage", "pipeline", "created", "id"):
        return Outcome("failed", f"set {ref.text}", f"{field} cannot be set (use `move to`)")
    try:
        value = evaluate(sim, expr, rec)
    except EvalError as e:
        written = source_text(sim, expr)
        values = "" if "is empty" in str(e) else values_of(sim, expr, rec)
        return Outcome("failed", f"set {ref.text} = {written}", f"{written} cannot be computed: {e}{values}")
    shown_new = show_value(sim, convert(sim, value, typ), typ, quote=True)
    old = field_value(sim, rec, (field,))
    same = compare(sim, "=", old, convert(sim, value, typ)) and (old is None) == (value is None)
    detail = f"set {ref.text} = {shown_new} (was {show_value(sim, old, typ, quote=True)})"
    if same:
        return Outcome("done", detail, "the value did not change")

    def effect():
        before, after, _ = set_field(sim, rec, ref.path, value)
        reschedule(sim, rec, field, before, after)
    return Outcome("done", detail, effect=effect,
                   events=(("field_changed", None, (field,), f"robot {run.robot.name.value}"),))


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
                   move=(p, s, f"robot {run.robot.name.value}"))


def create_document(sim, run, a, rec):
    tpl = a.get("template")
    name = tpl.value if tpl is not None else "?"
    title = render(sim, a.get("title"), rec)
    detail = f"create document from template {name}" + (f' "{title}"' if title else "")
    return Outcome("done", detail, events=(("document_created", name, (), f"robot {run.robot.name.value}"),))


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
    files, notes = attachments(sim, a, rec)
    parts += files
    tracked = bool(a.get("track_clicks"))
    if tracked:
        parts.append("clicks tracked")

    def effect():
        if tracked:  # the client's clicks on its links are seen from now on
            rec.tracked_emails += 1
    return Outcome("done", ", ".join(parts), _notes(note, notes), effect=effect,
                   events=(("email_sent", None, (), f"robot {run.robot.name.value}"),))


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
    """To the client's latest chat (docs/language.md#send-chat): a declared
    `chat` account or one their first message created, in an open channel or
    in Telegram; its channel must be connected."""
    shown = render(sim, a.get("text"), rec)
    words = f'send chat "{shown}"'
    person, note, err = client(sim, rec)
    if err:
        return _fail(words, err)
    chats = chats_of(sim, person)
    lines = channel(sim, "openlines")
    if not chats:
        if not lines and not channel(sim, "telegram"):
            return _fail(words, "no open channel chat is connected (the scenario has no "
                                "`channel openlines`), so there is no chat with the client")
        return _fail(words, f"there is no chat with the client {person.name.value} yet "
                            "(the contact has no `chat`, and has not written)")
    chat = chats[-1]
    if chat.messenger == "telegram":
        connected = channel(sim, "telegram")
        if not connected:
            return _fail(words, "the client's chat is in Telegram, and the Telegram channel is not connected "
                                "(the scenario has no `channel telegram`)")
        where = "chat in Telegram" + (f' "{connected[0].label}"' if connected[0].label else "")
    else:
        if not lines:
            return _fail(words, "no open channel chat is connected (the scenario has no "
                                "`channel openlines`), so there is no chat with the client")
        label = chat.label or lines[0].label
        via = f' in open channel "{label}"' if label else ""
        where = f"chat {chat.account}{via}" if chat.account else f"chat{via}"
    hidden = " (hidden: only employees see it)" if a.get("hidden") else ""
    files, notes = attachments(sim, a, rec)
    parts = [f'send chat to {person.name.value} ({where}){hidden}: "{shown}"'] + files
    return Outcome("done", ", ".join(parts), _notes(note, notes))


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

    def effect():  # the client's next first message creates the chat there
        sim.invited.setdefault(person.name.value, set()).add(m)
    return Outcome("done", f"invite {person.name.value} to {m}: SMS to {phone.value}"
                   + (f' "{shown}"' if shown else ""), note, effect)


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
    who, err = _responsible(sim, rec, a, "repeat lead")
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
    who, err = _responsible(sim, rec, a, "copy")
    label = stage_label(pipeline, stage)
    where = f"{pipeline.name.value}.{stage.name.value}"
    if err:
        return Outcome("failed", f"copy {rec.name} to {label} ({where})", err)
    fields = dict(rec.fields)
    fields["title"] = title
    fields.pop("id", None)  # a new record: its own ID
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
    """The URL filled in, each value URL-encoded (docs/language.md#webhook)."""
    url = render(sim, a.get("url"), rec, raw=True, encode=lambda v: urllib.parse.quote(v, safe=""))
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
