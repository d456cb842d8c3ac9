"""The domain, as data: field types, built-in fields, actions and their
parameters, trigger events, channels.  Shared by the checker, the
interpreter, the language server (completion, hover) and the docs tests.
"""
from __future__ import annotations

# ------------------------------------------------------------------ types

#: Field types a user can declare, with a one-line description.
TYPES = {
    "text": "a line of text",
    "number": "a number",
    "money": "an amount of money",
    "date": "a calendar date",
    "datetime": "a date and a time of day",
    "boolean": "yes or no",
    "list": "one value out of a fixed list",
    "employee": "a person of the company (an employee)",
    "contact": "a client contact",
    "company": "a client company",
    "file": "an attached file",
}

NUMERIC = frozenset({"number", "money"})
TEMPORAL = frozenset({"date", "datetime"})
RELATIONS = frozenset({"employee", "contact", "company", "client"})

#: Built-in entity kinds. Anything else must be declared `smart process`.
ENTITY_KINDS = {
    "lead": "leads (one pipeline)",
    "deal": "deals (several pipelines)",
    "quote": "quotes (one pipeline)",
    "invoice": "invoices (one pipeline)",
}
SINGLE_PIPELINE = frozenset({"lead", "quote", "invoice"})

#: Fields every record has, whatever its entity.
BUILTIN_FIELDS = {
    "id": "text",             # the record's ID in the CRM (a scenario record: its name, or its `id`)
    "title": "text",
    "responsible": "employee",
    "contact": "contact",     # the first contact of the record
    "company": "company",
    "client": "client",       # the contact if there is one, else the company
    "created": "datetime",
    "stage": "text",
    "pipeline": "text",
}

#: Sub-fields of relations: `{client.name}`, `responsible.email is set`.
RELATION_FIELDS = {
    "employee": {"name": "text", "email": "text", "phone": "text", "supervisor": "employee"},
    "contact": {"name": "text", "email": "text", "phone": "text", "company": "company"},
    "company": {"name": "text", "email": "text", "phone": "text"},
    "client": {"name": "text", "email": "text", "phone": "text"},
}

#: Units of durations: how each is written -> the unit.  Minutes and hours
#: are elapsed time; days and weeks calendar days; months and years calendar
#: months (docs/language.md#durations).  grammar/flow.lark's DURATION token
#: and the editors spell the same words.
DURATION_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
    "mo": "months", "month": "months", "months": "months",
    "y": "years", "year": "years", "years": "years",
}

EMAIL_TYPES = ("work", "home", "mailing", "other")
PHONE_TYPES = ("mobile", "work", "home", "fax", "pager", "other")
ROBOT_STATUSES = ("done", "failed", "skipped", "cancelled", "waiting")
#: What `expect task` and `expect activity` may say of one.
TASK_EXPECT_STATUSES = ("open", "completed")

#: Channels a scenario can connect.
CHANNELS = {
    "sms": "an SMS provider (the label names it)",
    "telephony": "a telephony line (the label is the number)",
    "telegram": "the Telegram channel (needed to invite clients)",
    "openlines": "an open channel for chats (the label names it)",
    "facebook": "a Facebook ad account (for audiences)",
    "google": "a Google Ads account (for audiences)",
}

# ------------------------------------------------------------------ actions

# Parameter value kinds (what the lowering produces for each parameter):
#   template   text with {placeholders}
#   string     plain text (no placeholders)
#   recipient  responsible / supervisor / an employee name
#   recipients one or more recipients
#   names      one or more names
#   deadline   today / tomorrow / in <duration> / <date> [<time>]
#   flag       present or not
#   number     a number
#   address    `to work first`: an address or phone type and first/last
#   sender     `from auto` or `from "address"`
#   attachments files or file fields
#   stage      a stage reference
#   field      a field path
#   expr       an expression
#   name       one name

ACTIONS: dict[str, dict] = {
    "notify": {
        "words": "notify", "group": "employee",
        "doc": "Send a notification to an employee: the record's responsible, their supervisor, or a named employee.",
        "params": {"to": "recipient", "message": "template"},
        "required": ("to", "message"),
    },
    "create_task": {
        "words": "create task", "group": "employee",
        "doc": "Create a task for an employee, linked to the record.",
        "params": {"title": "template", "description": "template", "deadline": "deadline",
                   "responsible": "recipient", "priority": "name", "observers": "names",
                   "attach": "attachments"},
        "required": ("title",),
    },
    "plan_activity": {
        "words": "plan activity", "group": "employee",
        "doc": "Plan an activity (call, meeting...) for the responsible, optionally completed automatically when the record changes stage.",
        "params": {"title": "template", "description": "template", "deadline": "deadline",
                   "responsible": "recipient", "color": "name", "add_to_calendar": "flag",
                   "contacts": "name", "invite": "names", "address": "template",
                   "location": "string", "link": "template", "attach": "attachments",
                   "complete_on_stage_change": "flag"},
        "required": ("title",),
    },
    "change_responsible": {
        "words": "change responsible", "group": "employee",
        "doc": "Make another employee responsible for the record; with several (`to ana or bruno`) they take turns.",
        "params": {"to": "recipients"},
        "required": ("to",),
    },
    "set_field": {
        "words": "set", "group": "record",
        "doc": "Set a field of the record to a value computed from its fields (`set amount = amount * 1.1`).",
        "params": {"field": "field", "value": "expr"},
        "required": ("field", "value"),
    },
    "move_to": {
        "words": "move to", "group": "record",
        "doc": "Move the record to another stage (of this pipeline, or `pipeline.stage`).",
        "params": {"stage": "stage"},
        "required": ("stage",),
    },
    "create_document": {
        "words": "create document", "group": "record",
        "doc": "Create a document from a template; fires `document created` triggers.",
        "params": {"template": "name", "title": "template"},
        "required": ("template",),
    },
    "send_email": {
        "words": "send email", "group": "client",
        "doc": "Send an e-mail to the client, from the responsible's connected mailbox (`from auto`) or an address.",
        "params": {"subject": "template", "text": "template", "from": "sender", "to": "address",
                   "attach": "attachments", "track_clicks": "flag"},
        "required": ("subject",),
    },
    "send_sms": {
        "words": "send sms", "group": "client",
        "doc": "Send an SMS (at most 200 characters) to the client through the connected SMS provider.",
        "params": {"text": "template", "to": "address", "provider": "string"},
        "required": ("text",),
    },
    "send_chat": {
        "words": "send chat", "group": "client",
        "doc": "Send a message to the client's latest chat in an open channel; `hidden` messages are seen by employees only.",
        "params": {"text": "template", "hidden": "flag", "attach": "attachments"},
        "required": ("text",),
    },
    "make_call": {
        "words": "make call", "group": "client",
        "doc": "Call the client and say a text (voice, volume, speed) or play an .mp3 file from a public URL.",
        "params": {"say": "template", "play": "string", "voice": "string", "volume": "number",
                   "speed": "number", "line": "string", "to": "address"},
        "required": (),
    },
    "invite": {
        "words": "invite to", "group": "client",
        "doc": "Send the client an SMS inviting them to a chat in a messenger (Telegram).",
        "params": {"messenger": "name", "text": "template"},
        "required": ("messenger",),
    },
    "create_repeat_lead": {
        "words": "create repeat lead", "group": "repeat sales",
        "doc": "Create a repeat lead for the record's client (the record must have a client).",
        "params": {"title": "template", "responsible": "recipient"},
        "required": (),
    },
    "copy_record": {
        "words": "copy", "group": "repeat sales",
        "doc": "Copy the record (all its fields) into a stage of this or another pipeline; the copy is named \"<title> (copy)\" unless `title` says otherwise.",
        "params": {"entity": "name", "stage": "stage", "title": "template", "responsible": "recipient"},
        "required": ("entity",),
    },
    "add_to_audience": {
        "words": "add to audience", "group": "advertising",
        "doc": "Send the client's e-mail or phone to an ad audience.",
        "params": {"audience": "string", "network": "name"},
        "required": ("audience",),
    },
    "webhook": {
        "words": "webhook", "group": "custom",
        "doc": "Call a webhook URL, its placeholders filled in and URL-encoded (`?ID={id}`); recorded, never sent, by `flowc simulate`.",
        "params": {"url": "template"},
        "required": ("url",),
    },
    "app": {
        "words": "app", "group": "custom",
        "doc": "Run an action of an installed application.",
        "params": {"app": "string", "text": "template"},
        "required": ("app",),
    },
}

#: Written parameter keyword -> parameter name.
PARAM_WORDS = {
    "p_title": "title", "p_description": "description", "p_text": "text", "p_subject": "subject",
    "p_deadline": "deadline", "p_responsible": "responsible", "p_priority": "priority",
    "p_color": "color", "p_add_to_calendar": "add_to_calendar", "p_contacts": "contacts",
    "p_invite": "invite", "p_address": "address", "p_location": "location", "p_link": "link",
    "p_attach": "attach", "p_complete": "complete_on_stage_change", "p_from_auto": "from",
    "p_from_address": "from", "p_to": "to", "p_track_clicks": "track_clicks",
    "p_provider": "provider", "p_voice": "voice", "p_volume": "volume", "p_speed": "speed",
    "p_line": "line", "p_hidden": "hidden", "p_network": "network", "p_observers": "observers",
}

#: How each parameter is written, for messages and completion.
PARAM_SYNTAX = {
    "title": 'title "..."', "description": 'description "..."', "text": 'text "..."',
    "subject": 'subject "..."', "deadline": "deadline tomorrow 14:00",
    "responsible": "responsible <employee>", "priority": "priority high",
    "color": "color yellow", "add_to_calendar": "add to calendar", "contacts": "contacts first|all",
    "invite": "invite <employee>, ...", "address": 'address "..."', "location": 'location "..."',
    "link": 'link "..."', "attach": 'attach "file.pdf", <file field>',
    "complete_on_stage_change": "complete on stage change", "from": 'from auto | from "address"',
    "to": "to work|home|mailing|mobile|auto [first|last]", "track_clicks": "track clicks",
    "provider": 'provider "..."', "voice": 'voice "..."', "volume": "volume 5", "speed": "speed 5",
    "line": 'line "+351 ..."', "hidden": "hidden", "network": "network facebook|google",
    "observers": "observers <employee>, ...",
}

# ------------------------------------------------------------------ trigger events

#: Event kind -> (how it is written, description, what its optional argument names)
EVENTS: dict[str, tuple[str, str, str | None]] = {
    "field_changed": ("field <name>, ... changed", "one of the listed fields of the record changed", "fields"),
    "responsible_changed": ("responsible changed", "the record got another responsible", None),
    "form_submitted": ("form submitted [<form>]", "the client filled in a CRM form (any form, or the one named)", "form"),
    "callback": ("callback requested [<form>]", "the client asked for a call back through a callback form", "form"),
    "invoice_paid": ("invoice paid", "an invoice of the record changed status to Paid", None),
    "order_paid": ("order paid", "an order of the record changed status to Paid", None),
    "document_created": ("document created [<template>]", "a document was created from a template (any, or the one named)", "template"),
    "document_opened": ("document opened [<template>]", "the client opened a document", "template"),
    "visit": ("visit", "the Visit option was switched on in the record's card", None),
    "resource_booked": ("resource booked", "a resource was booked in the record's card", None),
    "email_received": ("email received", "an e-mail from the client arrived", None),
    "email_opened": ("email opened", "the client opened an e-mail", None),
    "email_sent": ("email sent", "an e-mail was sent to the client", None),
    "link_clicked": ('email link clicked ["<url>"]', "the client clicked a link in an e-mail (any, or the URL given)", "url"),
    "call_incoming": ('call incoming ["<line>"]', "the client called (any line, or the one given)", "line"),
    "call_outgoing": ('call outgoing ["<line>"]', "an employee called the client", "line"),
    "call_missed": ('call missed ["<line>"]', "a call from the client was missed", "line"),
    "chat_first_message": ('chat first message ["<channel>"]', "the client wrote their first message in an open channel chat", "channel"),
    "chat_message": ('chat message ["<channel>"]', "the client wrote a message in an open channel chat", "channel"),
    "chat_accepted": ('chat accepted ["<channel>"]', "an agent accepted the client's chat", "channel"),
    "task_status": ("task status changed [to <status>]", "a task linked to the record changed status", "status"),
    "webhook": ("webhook", "an external system called the record's webhook", None),
    "app": ('app "<name>"', "an application's trigger fired", "app"),
}

TASK_STATUSES = ("pending", "in_progress", "waiting", "completed", "deferred")

#: Events an action of the simulated world can cause.
ACTION_EVENTS = {
    "set_field": "field_changed",
    "change_responsible": "responsible_changed",
    "create_document": "document_created",
    "send_email": "email_sent",
}

#: Keyword -> one line for hover.
KEYWORD_DOCS = {
    "timezone": "The IANA time zone of the flow's local times (default UTC), or of one calendar.",
    "use": 'At top level: load another file (`use "common.flow"`). In a stage: place reusable robots or triggers defined at top level.',
    "calendar": "Working time: weekly hours with breaks, public holidays, closed and extra open days.",
    "hours": "Weekly working hours: `hours mon-fri 09:00-13:00, 14:00-18:00`.",
    "holidays": 'Public holidays of a country or subdivision from the `holidays` package: `holidays "PT"`, `holidays "US-CA"`.',
    "closed": "Extra days off: `closed 2026-12-24, 2026-12-26..2026-12-31`.",
    "open": "Extra working days, with their hours or the calendar's usual ones.",
    "entity": "A kind of CRM record (lead, deal, quote, invoice or a smart process) and its fields.",
    "optional": "The field may be empty.",
    "pipeline": "An ordered list of stages for one entity.",
    "stage": "A step of a pipeline. Robots start when a record enters it; triggers move records into it.",
    "success": "A final stage: the record is closed as won.",
    "failure": "A final stage: the record is closed as lost.",
    "robot": "An automation rule on a stage: one action, its timing, and an optional condition.",
    "trigger": "Moves the record to this stage when an event happens (forward only, unless `allow back`).",
    "allow": "`allow back`: the trigger may move the record to an earlier stage, or out of a final one.",
    "immediately": "Run as soon as the record enters the stage (the default).",
    "after": "`after 15m`: wait; `after previous`: start when the previous robot of the stage finishes; `2 days after close_date`: relative to a date field.",
    "before": "`3 days before close_date`: a moment before a date field of the record.",
    "previous": "`after previous`: wait until the previous robot of the stage is done, failed or skipped.",
    "at": "`at 09:00`: the next 09:00; `at 2026-03-09 11:00`: an exact moment.",
    "in": "`in office hours`: count the delay in the working time of a calendar. In conditions: membership in a list.",
    "if": "The robot's or trigger's condition, checked when its wait ends.",
    "and": "Both conditions hold.", "or": "At least one condition holds.", "not": "The condition does not hold.",
    "contains": "Text contains text, or a list contains a value.",
    "is": "`is set` / `is empty`: whether a field has a value.",
    "between": "`amount between 1_000 and 5_000`: inclusive range.",
    "scenario": "A simulated situation: people, records, events over time, and expectations.",
    "record": "A CRM record of the scenario, in a stage when the scenario starts.",
    "expect": "An expectation the simulation checks: a stage, a robot's outcome, a field value, a task or an activity.",
    "because": '`expect robot r on d1 failed because "..."`: the reason of the outcome contains this text (ignoring case).',
    "with": '`expect robot r on d1 done with "..."`: what was done (recipient, address, texts filled in, deadline...) contains this text (ignoring case).',
    "start": "When the scenario starts (local time of the flow's time zone).",
    "run": "How long the simulation runs: `run until 2026-03-20`, `run for 30 days`.",
    "channel": "A connected channel: sms, telephony, telegram, openlines, facebook, google.",
    "employee": "A person of the company: e-mail, connected mailbox, phone, supervisor.",
    "contact": "A client contact with typed e-mails and phones and chats.",
    "company": "A client company with typed e-mails and phones.",
    "form": "A CRM web form (`callback` for call-back forms).",
    "template": "A document template, for `create document` and document triggers.",
}
for _kind, _spec in ACTIONS.items():
    KEYWORD_DOCS.setdefault(_spec["words"].split()[0], _spec["doc"])
