"""The handbook of an automation, in Markdown, for the people who run the CRM
and do not read code (`flowc doc`).

`handbook(loaded, sources, board, start)` returns its pages as
[(file name, Markdown)]: `README.md` (the pipelines, the calendars with
their days off for the twelve months from `start`, the people) and one
`pipeline-NAME.md` per pipeline: its board (the Mermaid graph of
`flowc graph`), then stage by stage how records get there and each robot in
plain words, as checklist items to tick while configuring the CRM.

Timing, action targets, events and conditions are said by `flowc.words`;
the sentences for what each action does are the table `ACTIONS` below.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import attrs

from . import ir
from .board import Board
from .index import Index
from .words import condition_words, days_words, hm, plural, timing_parts

# ------------------------------------------------------------------ actions in words


@attrs.frozen
class Place:
    """Where a robot or trigger is described: what `timing_parts` and the
    sentences need."""
    pipeline: ir.Pipeline
    stage: ir.Stage
    previous: ir.Robot | None
    index: Index
    sources: dict  # path -> Source: the text of conditions and values as written

    def text(self, span: Any) -> str | None:
        src = self.sources.get(span.path) if span is not None else None
        return " ".join(src.text[span.start:span.end].split()) if src is not None else None


def _q(template: Any) -> str:
    """A text as written in the rule, placeholders included: “Hello {client.name}”."""
    raw = template.raw if isinstance(template, ir.Template) else template
    return f"“{raw}”" if raw is not None else ""


def _who(r: Any, place: Place) -> str:
    if not isinstance(r, ir.Recipient):
        return "the responsible"
    if r.kind == "supervisor":
        return "the responsible's supervisor"
    if r.kind == "employee" and r.name is not None:
        person = place.index.employees.get(r.name.value)
        if person is None and r.name.value in place.index.fields(place.pipeline.entity.value):
            return f"the employee in the {place.pipeline.entity.value}'s {r.name.value} field"
        return person.title if person is not None and person.title else r.name.value
    return "the responsible"


def _stage(ref: Any, place: Place) -> str:
    if not isinstance(ref, ir.StageRef):
        return "another stage"
    found = place.index.resolve_stage(ref, place.pipeline)
    if found is None:
        return str(ref)
    p, s = found
    title = s.title or s.name.value
    return title if p is place.pipeline else f"{title} (pipeline {p.title or p.name.value})"


def _extras(a: ir.Action, place: Place) -> str:
    out = []
    if a.get("deadline") is not None:
        out.append(f"deadline {a.get('deadline')}")
    if a.get("priority") is not None:
        out.append(f"priority {a.get('priority')}")
    if a.get("complete_on_stage_change"):
        out.append(f"completed when the {place.pipeline.entity.value} changes stage")
    if a.get("attach"):
        out.append("with attachments")
    return "".join(f", {x}" for x in out)


def _address(a: ir.Action, default: str) -> str:
    to = a.get("to")
    if isinstance(to, ir.AddressChoice):
        which = f"{to.which.value} " if to.which is not None else ""
        return f"the client's {which}{to.type.value} {default}"
    return f"the client's {default}"


def _from(a: ir.Action) -> str:
    sender = a.get("from")
    if sender is None:
        return ""
    text = str(sender.value) if isinstance(sender, ir.Name) else str(sender)
    return " from the responsible's connected mailbox" if text == "auto" else f" from {text}"


def _change_responsible(a: ir.Action, place: Place) -> str:
    to = a.get("to")
    people = [_who(r, place) for r in to] if isinstance(to, tuple) else [_who(to, place)]
    if len(people) > 1:
        return "the responsible becomes " + " or ".join(people) + ", in turns"
    return f"the responsible becomes {people[0]}"


def _copy(a: ir.Action, place: Place) -> str:
    where = _stage(a.get("stage"), place) if a.get("stage") is not None else \
        (place.pipeline.stages[0].title or place.pipeline.stages[0].name.value)
    title = f" titled {_q(a.get('title'))}" if a.get("title") is not None else ""
    return f"the {place.pipeline.entity.value} is copied{title} into {where}"


def _call(a: ir.Action, place: Place) -> str:
    what = f"says {_q(a.get('say'))}" if a.get("say") is not None else \
        f"plays {a.get('play')}" if a.get("play") is not None else "says nothing"
    return f"{_address(a, 'phone')} is called and the robot {what}"


#: What each action does, as the end of a sentence.
ACTIONS: dict[str, Callable[[ir.Action, Place], str]] = {
    "notify": lambda a, p: f"{_who(a.get('to'), p)} is notified: {_q(a.get('message'))}",
    "create_task": lambda a, p: f"a task {_q(a.get('title'))} is created for "
                                f"{_who(a.get('responsible'), p)}{_extras(a, p)}",
    "plan_activity": lambda a, p: f"an activity {_q(a.get('title'))} is planned for "
                                  f"{_who(a.get('responsible'), p)}{_extras(a, p)}",
    "change_responsible": _change_responsible,
    "set_field": lambda a, p: f"{_field(a)} is set to `{p.text(getattr(a.get('value'), 'span', None)) or '?'}`",
    "move_to": lambda a, p: f"the {p.pipeline.entity.value} is moved to {_stage(a.get('stage'), p)}",
    "create_document": lambda a, p: f"a document is made from the template {_template(a.get('template'), p)}",
    "send_email": lambda a, p: f"an e-mail {_q(a.get('subject'))} is sent to {_address(a, 'e-mail address')}"
                               f"{_from(a)}{_extras(a, p)}",
    "send_sms": lambda a, p: f"an SMS is sent to {_address(a, 'phone')}: {_q(a.get('text'))}",
    "send_chat": lambda a, p: ("a hidden message (seen by employees only) is written in the client's chat: "
                               if a.get("hidden") else "a message is sent to the client's chat: ")
                              + _q(a.get("text")),
    "make_call": _call,
    "invite": lambda a, p: f"the client is invited by SMS to chat on {str(a.get('messenger')).capitalize()}",
    "create_repeat_lead": lambda a, p: "a repeat lead" + (f" {_q(a.get('title'))}" if a.get("title") else "")
                                       + " is created for the client",
    "copy_record": _copy,
    "add_to_audience": lambda a, p: f"the client's contacts are added to the audience “{a.get('audience')}”"
                                    + (f" on {str(a.get('network')).capitalize()}" if a.get("network") else ""),
    "webhook": lambda a, p: f"the webhook {getattr(a.get('url'), 'raw', a.get('url'))} is called",
    "app": lambda a, p: f"the application “{a.get('app')}” runs" + (f": {_q(a.get('text'))}" if a.get("text") else ""),
}

def _field(a: ir.Action) -> str:
    from .words import field_words
    ref = a.get("field")
    return field_words(ref.path) if isinstance(ref, ir.FieldRef) else "a field"


def _template(name: Any, place: Place) -> str:
    if not isinstance(name, ir.Name):
        return "a template"
    t = place.index.templates.get(name.value)
    return f"“{t.title}” (`{name.value}`)" if t is not None and t.title else f"`{name.value}`"


def robot_sentence(robot: ir.Robot, place: Place) -> str:
    """"15 working minutes after entering Contract approval (office calendar,
    Europe/Lisbon), if the amount is over 10,000 and the client's e-mail is
    filled in, the responsible's supervisor is notified: “...”."""
    when, calendar = timing_parts(robot, place, place.index)
    parts = [when + (f" ({calendar})" if calendar else "")]
    if robot.condition is not None:
        parts.append("if " + condition_words(robot.condition, place.text))
    say = ACTIONS.get(robot.action.kind)
    parts.append(say(robot.action, place) if say else robot.action.kind)
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


# ------------------------------------------------------------------ triggers in words

#: Event kind -> (words without an argument, words with one: {arg}).
EVENTS: dict[str, tuple[str, str]] = {
    "field_changed": ("a field changes", "{arg} changes"),
    "responsible_changed": ("the responsible changes", "the responsible changes"),
    "form_submitted": ("the client fills in a CRM form (any form)", "the client fills in the form {arg}"),
    "callback": ("the client asks for a call back through a callback form",
                 "the client asks for a call back through the form {arg}"),
    "invoice_paid": ("an invoice of the {entity} is paid", "an invoice of the {entity} is paid"),
    "order_paid": ("an order of the {entity} is paid", "an order of the {entity} is paid"),
    "document_created": ("a document is made (any template)", "a document is made from the template {arg}"),
    "document_opened": ("the client opens a document", "the client opens a document made from {arg}"),
    "visit": ("the Visit option is switched on in the {entity}'s card", ""),
    "resource_booked": ("a resource is booked in the {entity}'s card", ""),
    "email_received": ("an e-mail from the client arrives", ""),
    "email_opened": ("the client opens an e-mail", ""),
    "email_sent": ("an e-mail is sent to the client", ""),
    "link_clicked": ("the client clicks a link in an e-mail", "the client clicks the link {arg} in an e-mail"),
    "call_incoming": ("the client calls", "the client calls the line {arg}"),
    "call_outgoing": ("an employee calls the client", "an employee calls the client from the line {arg}"),
    "call_missed": ("a call from the client is missed", "a call from the client to the line {arg} is missed"),
    "chat_first_message": ("the client writes a first message in an open channel chat",
                           "the client writes a first message in the open channel {arg}"),
    "chat_message": ("the client writes in an open channel chat", "the client writes in the open channel {arg}"),
    "chat_accepted": ("an agent accepts the client's chat", "an agent accepts the client's chat in {arg}"),
    "task_status": ("a task of the {entity} changes status", "a task of the {entity} becomes {arg}"),
    "webhook": ("an external system calls the {entity}'s webhook", ""),
    "app": ("an application fires its trigger", "the application {arg} fires its trigger"),
}


def _event_arg(ev: ir.Event, place: Place) -> str | None:
    from .words import field_words
    if ev.kind == "field_changed" and isinstance(ev.arg, tuple):
        return " or ".join(field_words((n.value,)) for n in ev.arg if isinstance(n, ir.Name))
    if not isinstance(ev.arg, ir.Name):
        return None
    name = ev.arg.value
    if ev.kind in ("form_submitted", "callback"):
        form = place.index.forms.get(name)
        return f"“{form.title}” (`{name}`)" if form is not None and form.title else f"`{name}`"
    if ev.kind in ("document_created", "document_opened"):
        return _template(ev.arg, place)
    return f"“{name}”" if ev.kind != "task_status" else name


def trigger_sentence(trig: ir.Trigger, place: Place) -> str:
    entity = place.pipeline.entity.value
    bare, with_arg = EVENTS.get(trig.event.kind, (trig.event.kind, ""))
    arg = _event_arg(trig.event, place)
    when = (with_arg if arg is not None and with_arg else bare).format(arg=arg, entity=entity)
    cond = f" and {condition_words(trig.condition, place.text)}" if trig.condition is not None else ""
    where = (f"a {entity} in any other stage (even a closed one: `allow back`)" if trig.allow_back
             else f"a {entity} in an earlier stage that is not closed")
    return f"When {when}{cond}, {where} moves here."


# ------------------------------------------------------------------ pages


def _title(x: Any) -> str:
    return x.title or x.name.value


def _pipeline_file(name: str, taken: set[str]) -> str:
    base = f"pipeline-{name}.md"
    n, out = 2, base
    while out in taken:
        out, n = f"pipeline-{name}-{n}.md", n + 1
    taken.add(out)
    return out


def pipeline_page(pid: str, p: ir.Pipeline, index: Index, board: Board, arrivals: dict, back: str | None,
                  sources: dict) -> str:
    from .graph_render import mermaid

    entity = p.entity.value
    out = [f"# {_title(p)}", ""]
    head = f"Pipeline `{p.name.value}`, for {entity}s: {plural(len(p.stages), 'stage')}, " \
           f"{plural(sum(len(s.robots) for s in p.stages), 'robot')}, " \
           f"{plural(sum(len(s.triggers) for s in p.stages), 'trigger')}."
    out += [head + (f" [Back to the handbook]({back})." if back else ""), ""]
    out += ["```mermaid", mermaid(board.only_id(pid)).rstrip("\n"), "```", ""]
    for s in p.stages:
        final = {"success": " — closed as won", "failure": " — closed as lost"}.get(s.final or "", "")
        out += [f"## {s.index + 1}. {_title(s)} (`{s.name.value}`){final}", ""]
        came = []
        if s.index == 0:
            came.append(f"New {entity}s start here.")
        came += arrivals.get(id(s), [])
        if came:
            out += [" ".join(came), ""]
        if s.triggers:
            out += ["How records get here:", ""]
            for t in s.triggers:
                place = Place(p, s, None, index, sources)
                name = f" **{t.name.value}**" if t.name else ""
                out.append(f"- [ ] Trigger{name} `{place.text(t.event.span)}`: " + trigger_sentence(t, place))
            out.append("")
        if s.robots:
            out += ["What happens here:", ""]
            prev = None
            for r in s.robots:
                out.append(f"- [ ] Robot **{r.name.value}**: " + robot_sentence(r, Place(p, s, prev, index, sources)))
                prev = r
            out.append("")
        if not s.triggers and not s.robots:
            out += ["Nothing is automated in this stage.", ""]
    return "\n".join(out)


def calendar_section(cal: ir.Calendar, index: Index, start: dt.date) -> list[str]:
    from .workcal import WorkCalendar

    work = WorkCalendar.from_ir(cal, index.timezone)
    tz = index.calendar_timezone(cal)
    out = [f"### {cal.name.value} ({tz})", ""]
    for h in cal.hours:
        out.append(f"- Working hours: {days_words(h.days)} " + ", ".join(f"{hm(a)}-{hm(b)}" for a, b in h.ranges))
    if cal.holidays:
        out.append("- Public holidays of: " + ", ".join(
            h.country + (f"-{h.subdivision}" if h.subdivision else "") for h in cal.holidays))
    out.append("")
    end = _plus_year(start)
    rows = []
    d = start
    while d < end:
        reason = _off_reason(work, cal, d)
        if reason is not None:
            rows.append(f"| {d:%Y-%m-%d} | {d:%a} | {reason} |")
        d += dt.timedelta(days=1)
    last = end - dt.timedelta(days=1)
    if rows:
        out += [f"Days off on working weekdays from {start:%Y-%m-%d} to {last:%Y-%m-%d}, and extra working days:", "",
                "| date | day | why |", "| --- | --- | --- |", *rows, ""]
    else:
        out += [f"No day off on a working weekday from {start:%Y-%m-%d} to {last:%Y-%m-%d}.", ""]
    return out


def _off_reason(work: Any, cal: ir.Calendar, d: dt.date) -> str | None:
    """Why a weekday with hours has none (a holiday, a closed day), or that a
    day without hours is open; None for an ordinary day."""
    usual = any(d.weekday() in h.days for h in cal.hours)
    try:
        opened = [o for o in cal.open if d in o.dates]
        if opened:
            hours = ", ".join(f"{hm(a)}-{hm(b)}" for o in opened for a, b in o.ranges) or "the usual hours"
            return f"open: extra working day, {hours}"
        if not usual:
            return None
        name = work.holiday_name(d)
        if name:
            return f"public holiday: {name}"
        if any(r.first <= d <= r.last for r in cal.closed):
            return "closed"
    except ValueError:  # an unknown holidays source: `flowc check` reports it
        return None
    return None


def _plus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def handbook(loaded: list, sources: dict, board: Board, start: dt.date, origin: str) -> list[tuple[str, str]]:
    """The pages of the handbook: [(file name, Markdown)], README.md first."""
    places: dict[tuple, str] = {(p.pipeline.span.path, p.pipeline.span.start): p.id for p in board.pipelines}
    seen: set[tuple] = set()
    pipelines: list[tuple[str, ir.Pipeline, Index]] = []
    calendars: dict[tuple, tuple[ir.Calendar, Index]] = {}
    people: dict[str, ir.Person] = {}
    for _root, project, _modules in loaded:
        index = Index(project)
        for p in project.pipelines:
            key = (p.span.path, p.span.start)
            if key not in seen and key in places:
                seen.add(key)
                pipelines.append((places[key], p, index))
        for c in project.calendars:
            calendars.setdefault((c.span.path, c.span.start), (c, index))
        for e in index.employees.values():
            people.setdefault(e.name.value, e)  # one line per name, the first declaration
    arrivals = _arrivals(board)
    taken = {"README.md"}
    files = [(_pipeline_file(p.name.value, taken), pid, p, index) for pid, p, index in pipelines]
    readme = ["# Automation handbook", "",
              f"Made by `flowc doc` from {origin}. Every rule of the automation in plain words: "
              "how records move between stages (triggers) and what happens in each stage (robots). "
              "Tick the boxes while you set the rules up in the CRM. Texts are shown as written: "
              "`{title}` stands for the record's title, `{client.name}` for its client's name.", "", "## Pipelines", ""]
    for name, pid, p, _ in files:
        robots = sum(len(s.robots) for s in p.stages)
        triggers = sum(len(s.triggers) for s in p.stages)
        readme.append(f"- [{_title(p)}]({name}): {p.entity.value}s, {plural(len(p.stages), 'stage')}, "
                      f"{plural(robots, 'robot')}, {plural(triggers, 'trigger')}")
    if not files:
        readme.append("No pipeline.")
    readme.append("")
    if calendars:
        readme += ["## Calendars", ""]
        for cal, index in calendars.values():
            readme += calendar_section(cal, index, start)
    if people:
        readme += ["## People", "", "| employee | e-mail | supervisor |", "| --- | --- | --- |"]
        by_name = {e.name.value: e for e in people.values()}
        for e in people.values():
            mail = ", ".join(c.value for c in e.emails) or "—"
            boss = by_name.get(e.supervisor.value) if e.supervisor else None
            readme.append(f"| {_title(e)} (`{e.name.value}`) | {mail} | "
                          f"{_title(boss) if boss else e.supervisor.value if e.supervisor else '—'} |")
        readme.append("")
    pages = [("README.md", "\n".join(readme))]
    for name, pid, p, index in files:
        pages.append((name, pipeline_page(pid, p, index, board, arrivals, "README.md", sources)))
    return pages


def _arrivals(board: Board) -> dict[int, list[str]]:
    """Stage (by id of its IR node) -> sentences about robots that bring
    records there from elsewhere."""
    stages = {s.id: (p, s) for p in board.pipelines for s in p.stages}
    verbs = {"move": "moves {entity}s here", "copy": "copies {entity}s here",
             "lead": "creates repeat leads here", "event": "{label}, which brings {entity}s here"}
    out: dict[int, list[str]] = {}
    for lk in board.links:
        if lk.dst not in stages or lk.src not in stages:
            continue
        sp, ss = stages[lk.src]
        dp, ds = stages[lk.dst]
        where = ss.title if sp is dp else f"{ss.title} ({sp.title})"
        verb = verbs[lk.kind].format(entity=dp.entity, label=lk.label)
        out.setdefault(id(ds.stage), []).append(f"Robot **{lk.robot}** in {where} {verb}.")
    return out
