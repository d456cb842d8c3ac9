#!/usr/bin/env python3
"""Writes flow.tmLanguage.json, the TextMate grammar of .flow files.

Edit this file, not the JSON, then run it (`python generate.py`); the tests in
tests/editors check that the committed JSON is what this script writes.  The
regular expressions are Oniguruma's (the engine of VS Code and TextMate).

The grammar of the language (grammar/flow.lark) is line-break insensitive and
its keywords are reserved only where the parser expects them.  A TextMate
grammar works line by line, so this one follows the structure with regions
(`begin`/`end`) for blocks and items, and recognises phrases of a few words
(`send email`, `in office hours`, `form submitted`) on one line.

Scope names follow the TextMate conventions, so every theme colours them:
  storage.type.*                     structure keywords (pipeline, stage, robot, ...)
  storage.modifier.*                 flags (optional, smart process, callback, allow back)
  keyword.control.timing.flow        after before at in hours immediately previous
  keyword.control.conditional.flow   if
  keyword.operator.*                 and or not, in contains is set empty between, = != < ...
  support.function.action.flow       what a robot does (notify, send email, ...)
  support.type.event.flow            what fires a trigger (form submitted, call missed, ...)
  entity.other.attribute-name.*      parameters of actions, items of people, record fields
  entity.name.*                      names where declared
  variable.other.*                   names where used (fields, stages, people, ...)
  variable.language.recipient.flow   responsible, supervisor
  constant.*                         literals: numbers, durations, dates, times, weekdays, yes/no
  string.quoted.double[.block].flow  strings, with placeholders and escapes
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("flow.tmLanguage.json")

NAME = r"[^\W\d]\w*"
B = r"(?<![\w.])"  # a word starts here (not inside a word, not after a dot)
E = r"(?![\w.])"  # a word ends here
PATH = rf"{NAME}(?:\s*\.\s*{NAME})*"
NAME_LIST = rf"{NAME}(?:\s*,\s*{NAME})*"


def words(*ws: str) -> str:
    return B + "(?:" + "|".join(sorted(ws, key=lambda w: (-len(w), w))) + ")" + E


class Rx:
    """Builds a regex and its numbered captures together."""

    def __init__(self) -> None:
        self.n = 0
        self.captures: dict[str, dict] = {}

    def cap(self, rx: str, scope: str | None = None, include: str | None = None) -> str:
        self.n += 1
        c: dict = {}
        if scope:
            c["name"] = scope
        if include:
            c["patterns"] = [{"include": include}]
        self.captures[str(self.n)] = c
        return f"({rx})"

    def kw(self, word: str, scope: str) -> str:
        return B + self.cap(word, scope) + E

    def stage_ref(self) -> str:
        """`stage` or `pipeline.stage`."""
        pipeline = self.cap(NAME, "variable.other.pipeline.flow")
        dot = self.cap(r"\.", "punctuation.accessor.flow")
        return rf"(?:{pipeline}\s*{dot}\s*)?" + self.cap(NAME, "variable.other.stage.flow")


def match(build, name: str | None = None) -> dict:
    rx = Rx()
    pattern = build(rx)
    rule: dict = {"match": pattern}
    if name:
        rule["name"] = name
    if rx.captures:
        rule["captures"] = rx.captures
    return rule


def kw(word_list, scope: str) -> dict:
    return {"match": words(*word_list), "name": scope}


def block(patterns: list, name: str | None = None) -> dict:
    """A `{ ... }` block."""
    rule = {
        "begin": r"\{",
        "beginCaptures": {"0": {"name": "punctuation.section.block.begin.flow"}},
        "end": r"\}",
        "endCaptures": {"0": {"name": "punctuation.section.block.end.flow"}},
        "patterns": patterns,
    }
    if name:
        rule["name"] = name
    return rule


def inc(*names: str) -> list:
    return [{"include": "#" + n} for n in names]


# Words that start a top-level item, and so end an item whose end is not marked.
TOP_WORDS = ("calendar", "entity", "pipeline", "employee", "contact", "company", "form",
             "template", "robot", "trigger", "scenario", "timezone", "use", "stage")
TOP_LINE = r"^\s*" + words(*TOP_WORDS)
# A robot or a trigger (and its condition) ends at the `}` of its stage, at the
# next robot or trigger, or at a line that starts a new item.
ITEM_END_ALTS = r"\}|" + words("robot", "trigger") + "|" + TOP_LINE
ITEM_END = "(?=" + ITEM_END_ALTS + ")"
# A declaration whose `{ body }` is optional ends after the body, or before
# whatever comes next.
SCENARIO_LINE = r"^\s*" + words("start", "channel", "record", "at", "run", "expect")
DECL_END = r"(?<=\})|(?=" + TOP_LINE + ")"

EVENT_WORDS = ("field", "fields", "changed", "responsible", "form", "submitted", "callback",
               "requested", "invoice", "order", "paid", "document", "created", "opened",
               "visit", "resource", "booked", "email", "received", "sent", "link", "clicked",
               "call", "incoming", "outgoing", "missed", "chat", "first", "message",
               "accepted", "task", "status", "webhook", "app")
PARAM_WORDS = ("title", "description", "text", "subject", "deadline", "responsible", "priority",
               "color", "contacts", "invite", "address", "location", "link", "attach",
               "provider", "voice", "volume", "speed", "line", "hidden", "network", "observers",
               "from", "to")
# Names after these words never are the optional NAME of an event.
NOT_A_NAME = r"(?!" + words("if", "for", "allow", "robot", "trigger", "use") + ")"

repo: dict[str, dict] = {}

# ------------------------------------------------------------------ lexical

repo["comments"] = {
    "match": r"(#).*$",
    "name": "comment.line.number-sign.flow",
    "captures": {"1": {"name": "punctuation.definition.comment.flow"}},
}

repo["strings"] = {"patterns": inc("string-triple", "string-double")}
repo["string-triple"] = {
    "begin": r'"""',
    "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.flow"}},
    "end": r'"""',
    "endCaptures": {"0": {"name": "punctuation.definition.string.end.flow"}},
    "name": "string.quoted.double.block.flow",
    "patterns": inc("string-escapes", "placeholder"),
}
repo["string-double"] = {
    "begin": r'"',
    "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.flow"}},
    # A string ends at its quote; one left open ends with its line, as in flowc.
    "end": r'(")|$',
    "endCaptures": {"1": {"name": "punctuation.definition.string.end.flow"}},
    "name": "string.quoted.double.flow",
    "patterns": inc("string-escapes", "placeholder"),
}
repo["string-escapes"] = {"patterns": [
    {"match": r'\\(?:["\\nt{}]|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]{1,6}\})', "name": "constant.character.escape.flow"},
    {"match": r"\\(?:u[0-9A-Fa-f]{0,3}|.)", "name": "invalid.illegal.escape.flow"},
]}
repo["placeholder"] = match(lambda r: (
    r.cap(r"\{", "punctuation.definition.placeholder.begin.flow") + r"[ \t]*"
    + r.cap(rf"{NAME}(?:\.{NAME})*", "variable.other.placeholder.flow", "#accessor") + r"[ \t]*"
    + r.cap(r"\}", "punctuation.definition.placeholder.end.flow")), "meta.placeholder.flow")
repo["accessor"] = {"match": r"\.", "name": "punctuation.accessor.flow"}

# Units of durations, longest first where one is a prefix of another
# (flowc.schema.DURATION_UNITS; tests/editors check that they agree).
UNITS = "minutes|minute|mins|min|months|month|mo|m|hours|hour|h|days|day|d|weeks|week|w|years|year|y"

repo["literals"] = {"patterns": [
    {"match": r"\b\d{4}-\d{2}-\d{2}\b", "name": "constant.numeric.date.flow"},
    {"match": r"\b\d{1,2}:\d{2}\b", "name": "constant.numeric.time.flow"},
    match(lambda r: r"\b\d+(?:_\d+)*[ \t]*" + r.cap(
        UNITS,
        "keyword.other.unit.flow") + r"(?!\w)", "constant.numeric.duration.flow"),
    {"match": r"\b\d+(?:_\d+)*(?:\.\d+)?\b", "name": "constant.numeric.flow"},
]}

repo["operators"] = {"patterns": [
    {"match": r"!=|<=|>=|=|<|>", "name": "keyword.operator.comparison.flow"},
    {"match": r"[-+*/]", "name": "keyword.operator.arithmetic.flow"},
]}

repo["punctuation"] = {"patterns": [
    {"match": r",", "name": "punctuation.separator.comma.flow"},
    {"match": r"\.\.", "name": "punctuation.separator.range.flow"},
    {"match": r"\.", "name": "punctuation.accessor.flow"},
    {"match": r":", "name": "punctuation.separator.colon.flow"},
    {"match": r"\[", "name": "punctuation.section.brackets.begin.flow"},
    {"match": r"\]", "name": "punctuation.section.brackets.end.flow"},
    {"match": r"\(", "name": "punctuation.section.parens.begin.flow"},
    {"match": r"\)", "name": "punctuation.section.parens.end.flow"},
    {"match": r"\{", "name": "punctuation.section.block.begin.flow"},
    {"match": r"\}", "name": "punctuation.section.block.end.flow"},
]}

repo["field-path"] = match(lambda r: r.cap(PATH, "variable.other.field.flow", "#accessor"))

# ------------------------------------------------------------------ top level

repo["timezone"] = kw(["timezone"], "storage.type.timezone.flow")
repo["use-file"] = kw(["use"], "storage.type.use.flow")
repo["form"] = {"patterns": [
    match(lambda r: r.kw("form", "storage.type.form.flow")
          + rf"(?:\s+{r.cap(NAME, 'entity.name.type.form.flow')})?"),
    kw(["callback"], "storage.modifier.callback.flow"),
]}
repo["template"] = match(lambda r: r.kw("template", "storage.type.template.flow")
                         + rf"(?:\s+{r.cap(NAME, 'entity.name.type.template.flow')})?")

# ------------------------------------------------------------------ calendars

_r = Rx()
repo["calendar"] = {
    "begin": _r.kw("calendar", "storage.type.calendar.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.type.calendar.flow')})?",
    "beginCaptures": _r.captures,
    "end": DECL_END,
    "patterns": inc("comments", "strings") + [block(inc("calendar-body"))],
}
repo["calendar-body"] = {"patterns": inc("comments", "strings") + [
    kw(["timezone"], "storage.type.timezone.flow"),
    kw(["hours", "holidays", "closed", "open"], "keyword.other.calendar.flow"),
    kw(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "constant.language.weekday.flow"),
    {"include": "#literals"},
    {"match": r"\.\.|-", "name": "punctuation.separator.range.flow"},
    {"include": "#punctuation"},
]}

# ------------------------------------------------------------------ entities

_r = Rx()
repo["entity"] = {
    "begin": _r.kw("entity", "storage.type.entity.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.type.entity.flow')})?",
    "beginCaptures": _r.captures,
    "end": DECL_END,
    "patterns": inc("comments", "strings") + [
        match(lambda r: r.kw("smart", "storage.modifier.smart-process.flow")
              + r"\s+" + r.kw("process", "storage.modifier.smart-process.flow")),
        kw(["smart", "process"], "storage.modifier.smart-process.flow"),
        block(inc("entity-body")),
    ],
}
repo["entity-body"] = {"patterns": inc("comments", "strings") + [
    # `title: text`, `close_date: optional date`, `source: list ["a", "b"]`:
    # the name before `:` is a field, whatever it is called.
    match(lambda r: B + r.cap(NAME, "entity.name.variable.field.flow")
          + r"\s*" + r.cap(":", "punctuation.separator.colon.flow")
          + rf"(?:\s*{r.kw('optional', 'storage.modifier.optional.flow')})?"
          + rf"(?:\s*(?:{r.kw('list', 'support.type.list.flow')}"
          + rf"|{r.cap(NAME, 'support.type.field.flow')}))?"),
    kw(["optional"], "storage.modifier.optional.flow"),
    kw(["list"], "support.type.list.flow"),
    {"include": "#punctuation"},
]}

# ------------------------------------------------------------------ pipelines

_r = Rx()
repo["pipeline"] = {
    "begin": _r.kw("pipeline", "storage.type.pipeline.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.type.pipeline.flow')}"
    + rf"(?:\s+{_r.kw('for', 'keyword.other.for.flow')}"
    + rf"(?:\s+{_r.cap(NAME, 'variable.other.entity.flow')})?)?)?",
    "beginCaptures": _r.captures,
    "end": DECL_END,
    "patterns": inc("comments", "strings") + [
        kw(["for"], "keyword.other.for.flow"),
        block(inc("comments", "stage", "strings", "punctuation")),
    ],
}
_r = Rx()
repo["stage"] = {
    "begin": _r.kw("stage", "storage.type.stage.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.type.stage.flow')})?",
    "beginCaptures": _r.captures,
    "end": r"(?<=\})|(?=\}|" + words("stage") + "|" + TOP_LINE + ")",
    "patterns": inc("comments", "strings") + [
        kw(["success"], "constant.language.final.success.flow"),
        kw(["failure"], "constant.language.final.failure.flow"),
        block(inc("comments", "robot", "trigger", "use-rules", "strings", "punctuation")),
    ],
}
# `use call_back, welcome`: robots and triggers declared at the top level.
repo["use-rules"] = match(lambda r: r.kw("use", "storage.type.use.flow")
                          + r"(?:\s+" + r.cap(NAME_LIST, None, "#robot-names") + ")?")
repo["employee-names"] = {"patterns": [
    {"match": NAME, "name": "variable.other.employee.flow"},
    {"match": ",", "name": "punctuation.separator.comma.flow"},
]}
repo["robot-names"] = {"patterns": [
    {"match": NAME, "name": "variable.other.robot.flow"},
    {"match": ",", "name": "punctuation.separator.comma.flow"},
]}

# ------------------------------------------------------------------ robots

_r = Rx()
repo["robot"] = {
    "begin": _r.kw("robot", "storage.type.robot.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.function.robot.flow')}"
    + rf"(?:\s*{_r.cap(':', 'punctuation.separator.colon.flow')})?)?",
    "beginCaptures": _r.captures,
    "end": ITEM_END,
    "patterns": inc("comments", "strings", "condition") + [block(inc("params"))]
    + inc("actions", "timing", "recipients", "literals", "operators", "punctuation", "field-path"),
}

ACT = "support.function.action.flow"
repo["actions"] = {"patterns": [
    match(lambda r: r.kw("notify", ACT) + r"(?:\s+(?:"
          + r.kw("responsible|supervisor", "variable.language.recipient.flow") + "|"
          + r.cap(NAME, "variable.other.employee.flow") + "))?"),
    match(lambda r: r.kw("create", ACT) + r"\s+" + r.kw("task", ACT)),
    match(lambda r: r.kw("create", ACT) + r"\s+" + r.kw("document", ACT)
          + rf"(?:\s+{r.cap(NAME, 'variable.other.template.flow')})?"),
    match(lambda r: r.kw("create", ACT) + r"\s+" + r.kw("repeat", ACT) + r"\s+" + r.kw("lead", ACT)),
    match(lambda r: r.kw("plan", ACT) + r"\s+" + r.kw("activity", ACT)),
    {
        # change responsible to ana or bruno
        "begin": B + "(change)" + r"\s+(responsible)\s+(to)" + E,
        "beginCaptures": {str(i): {"name": ACT} for i in (1, 2, 3)},
        "end": r"(?=\{|" + words("after", "before", "at", "in", "immediately", "if")
        + r"|\d|" + ITEM_END_ALTS + ")",
        "patterns": inc("comments", "recipients") + [
            kw(["or"], "keyword.operator.logical.flow"),
            {"match": NAME, "name": "variable.other.employee.flow"},
            {"include": "#punctuation"},
        ],
    },
    match(lambda r: r.kw("set", ACT) + rf"(?:\s+{r.cap(PATH, 'variable.other.field.flow', '#accessor')}"
          + rf"\s*{r.cap('=', 'keyword.operator.assignment.flow')})?"),
    match(lambda r: r.kw("move", ACT) + r"\s+" + r.kw("to", ACT) + rf"(?:\s+{r.stage_ref()})?"),
    match(lambda r: r.kw("send", ACT) + r"\s+" + r.kw("email|sms|chat", ACT)),
    match(lambda r: r.kw("make", ACT) + r"\s+" + r.kw("call", ACT)
          + rf"(?:\s+{r.kw('say|play', ACT)})?"),
    match(lambda r: r.kw("invite", ACT) + r"\s+" + r.kw("to", ACT)
          + rf"(?:\s+{r.cap(NAME, 'variable.other.chat.flow')})?"),
    match(lambda r: r.kw("copy", ACT) + rf"(?:\s+{r.cap(NAME, 'variable.other.entity.flow')}"
          + rf"(?:\s+{r.kw('to', 'keyword.other.to.flow')}\s+{r.stage_ref()})?)?"),
    match(lambda r: r.kw("add", ACT) + r"\s+" + r.kw("to", ACT) + r"\s+" + r.kw("audience", ACT)),
    # `send sms "..." to mobile`
    match(lambda r: r.kw("to", "keyword.other.to.flow")
          + rf"(?:\s+{r.cap(NAME, 'variable.other.field.flow')})?"),
    # The words of an action written over several lines.
    kw(["notify", "create", "task", "document", "repeat", "lead", "plan", "activity", "change",
        "set", "move", "send", "email", "sms", "chat", "make", "call", "say", "play", "invite",
        "copy", "add", "audience", "webhook", "app"], ACT),
]}
repo["recipients"] = kw(["responsible", "supervisor"], "variable.language.recipient.flow")

TIMING = "keyword.control.timing.flow"
repo["timing"] = {"patterns": [
    match(lambda r: r.kw("immediately", TIMING)),
    match(lambda r: r.kw("after", TIMING) + r"\s+" + r.kw("previous", TIMING)),
    # `in office hours`
    match(lambda r: r.kw("in", TIMING) + r"\s+" + r.cap(NAME, "variable.other.calendar.flow")
          + r"\s+" + r.kw("hours", TIMING)),
    # `after 2h`, `1 day before close_date`
    match(lambda r: r.kw("after|before", TIMING) + r"(?:\s+" + words("previous") + "|"
          + rf"\s+{r.cap(PATH, 'variable.other.field.flow', '#accessor')})?"),
    kw(["at", "in", "hours", "previous", "after", "before", "immediately"], TIMING),
]}

repo["params"] = {"patterns": inc("comments", "strings") + [
    match(lambda r: r.kw("add", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("to", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("calendar", "entity.other.attribute-name.parameter.flow")),
    match(lambda r: r.kw("complete", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("on", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("stage", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("change", "entity.other.attribute-name.parameter.flow")),
    match(lambda r: r.kw("track", "entity.other.attribute-name.parameter.flow") + r"\s+"
          + r.kw("clicks", "entity.other.attribute-name.parameter.flow")),
    match(lambda r: r.kw("from", "entity.other.attribute-name.parameter.flow")
          + rf"(?:\s+{r.kw('auto', 'constant.language.auto.flow')})?"),
    match(lambda r: r.kw("deadline", "entity.other.attribute-name.parameter.flow")
          + rf"(?:\s+(?:{r.kw('today|tomorrow', 'constant.language.date.flow')}"
          + rf"|{r.kw('in', TIMING)}))?"),
    # `deadline 1 day before due_date at 10:00 in office hours`
    match(lambda r: r.kw("after|before", TIMING)
          + rf"(?:\s+{r.cap(PATH, 'variable.other.field.flow', '#accessor')})?"),
    match(lambda r: r.kw("in", TIMING) + r"\s+" + r.cap(NAME, "variable.other.calendar.flow")
          + r"\s+" + r.kw("hours", TIMING)),
    kw(["at"], TIMING),
    match(lambda r: r.kw("responsible", "entity.other.attribute-name.parameter.flow")
          + r"(?:\s+(?:" + r.kw("responsible|supervisor", "variable.language.recipient.flow")
          + "|" + r.cap(NAME, "variable.other.employee.flow") + "))?"),
    match(lambda r: r.kw("priority|color|network", "entity.other.attribute-name.parameter.flow")
          + rf"(?:\s+{r.cap(NAME, 'constant.other.enum.flow')})?"),
    match(lambda r: r.kw("invite|observers", "entity.other.attribute-name.parameter.flow")
          + r"(?:\s+" + r.cap(NAME_LIST, None, "#employee-names") + ")?"),
    match(lambda r: r.kw("to", "entity.other.attribute-name.parameter.flow")
          + rf"(?:\s+{r.cap(NAME, 'variable.other.field.flow')}"
          + rf"(?:\s+{r.cap(NAME, 'variable.other.label.flow')})?)?"),
    kw(PARAM_WORDS + ("add", "calendar", "complete", "on", "stage", "change", "track", "clicks"),
       "entity.other.attribute-name.parameter.flow"),
    kw(["auto"], "constant.language.auto.flow"),
    kw(["today", "tomorrow"], "constant.language.date.flow"),
    kw(["in"], TIMING),
    {"include": "#literals"},
    {"include": "#punctuation"},
    # `contacts client`, `attach "terms.pdf", price_list`: fields of the record
    {"match": NAME, "name": "variable.other.field.flow"},
]}

# ------------------------------------------------------------------ triggers

_r = Rx()
repo["trigger"] = {
    "begin": _r.kw("trigger", "storage.type.trigger.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.function.trigger.flow')}"
    + rf"\s*{_r.cap(':', 'punctuation.separator.colon.flow')})?",
    "beginCaptures": _r.captures,
    "end": ITEM_END,
    "patterns": inc("comments", "strings", "condition") + [
        match(lambda r: r.kw("allow", "storage.modifier.allow-back.flow") + r"\s+"
              + r.kw("back", "storage.modifier.allow-back.flow")),
        kw(["allow", "back"], "storage.modifier.allow-back.flow"),
    ] + inc("events", "punctuation"),
}

EV = "support.type.event.flow"
repo["events"] = {"patterns": [
    # field amount, discount changed
    match(lambda r: r.kw("fields?", EV)
          + r"\s+" + r.cap(NAME_LIST, None, "#event-field-names")
          + rf"\s+{r.kw('changed', EV)}"),
    # Events that name a form, a template or a channel after them.
    match(lambda r: r.kw("form", EV) + r"\s+" + r.kw("submitted", EV)
          + rf"(?:\s+{NOT_A_NAME}{r.cap(NAME, 'variable.other.form.flow')})?"),
    match(lambda r: r.kw("callback", EV) + r"\s+" + r.kw("requested", EV)
          + rf"(?:\s+{NOT_A_NAME}{r.cap(NAME, 'variable.other.form.flow')})?"),
    match(lambda r: r.kw("document", EV) + r"\s+" + r.kw("created|opened", EV)
          + rf"(?:\s+{NOT_A_NAME}{r.cap(NAME, 'variable.other.template.flow')})?"),
    match(lambda r: r.kw("task", EV) + r"\s+" + r.kw("status", EV) + r"\s+" + r.kw("changed", EV)
          + rf"(?:\s+{r.kw('to', 'keyword.other.to.flow')}"
          + rf"(?:\s+{r.cap(NAME, 'constant.other.enum.flow')})?)?"),
    kw(EVENT_WORDS, EV),
]}
repo["event-field-names"] = {"patterns": [
    {"match": NAME, "name": "variable.other.field.flow"},
    {"match": ",", "name": "punctuation.separator.comma.flow"},
]}

# ------------------------------------------------------------------ conditions

repo["condition"] = {
    "begin": B + "(if)" + E,
    "beginCaptures": {"1": {"name": "keyword.control.conditional.flow"}},
    "end": ITEM_END,
    "patterns": inc("comments", "expression"),
}
repo["expression"] = {"patterns": inc("strings") + [
    kw(["and", "or", "not"], "keyword.operator.logical.flow"),
    match(lambda r: r.kw("is", "keyword.operator.word.flow") + r"\s+"
          + r.kw("set|empty", "keyword.operator.word.flow")),
    kw(["in", "contains", "between", "is", "set", "empty"], "keyword.operator.word.flow"),
    kw(["yes", "no"], "constant.language.boolean.flow"),
    kw(["today", "now"], "constant.language.date.flow"),
] + inc("literals", "operators", "punctuation", "field-path")}

# ------------------------------------------------------------------ people

PERSON_ITEM = "entity.other.attribute-name.person.flow"
repo["person-body"] = {"patterns": inc("comments", "strings") + [
    match(lambda r: r.kw("email|phone", PERSON_ITEM)
          + rf"(?:\s+{r.cap(NAME, 'variable.other.label.flow')})?"),
    match(lambda r: r.kw("chat", PERSON_ITEM) + rf"(?:\s+{r.cap(NAME, 'variable.other.chat.flow')})?"),
    match(lambda r: r.kw("supervisor", PERSON_ITEM)
          + rf"(?:\s+{r.cap(NAME, 'variable.other.employee.flow')})?"),
    match(lambda r: r.kw("company", PERSON_ITEM)
          + rf"(?:\s+{r.cap(NAME, 'variable.other.company.flow')})?"),
    kw(["email", "phone", "chat", "mailbox", "supervisor", "company"], PERSON_ITEM),
    {"include": "#punctuation"},
]}
for kind in ("employee", "contact", "company"):
    _r = Rx()
    repo[kind] = {
        "begin": _r.kw(kind, f"storage.type.{kind}.flow")
        + rf"(?:\s+{_r.cap(NAME, f'entity.name.type.{kind}.flow')})?",
        "beginCaptures": _r.captures,
        # The body is optional: the item ends after it, or before the next item.
        "end": r"(?<=\})|(?=\}|" + TOP_LINE + "|" + SCENARIO_LINE + ")",
        "patterns": inc("comments", "strings") + [block(inc("person-body"))],
    }
repo["people"] = {"patterns": inc("employee", "contact", "company")}

# ------------------------------------------------------------------ scenarios

SC = "keyword.other.scenario.flow"
_r = Rx()
repo["scenario"] = {
    "begin": _r.kw("scenario", "storage.type.scenario.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.type.scenario.flow')})?",
    "beginCaptures": _r.captures,
    "end": DECL_END,
    "patterns": inc("comments", "strings") + [block(inc("scenario-body"))],
}
_r = Rx()
repo["record"] = {
    "begin": _r.kw("record", "storage.type.record.flow")
    + rf"(?:\s+{_r.cap(NAME, 'entity.name.variable.record.flow')}"
    + rf"(?:\s*{_r.cap(':', 'punctuation.separator.colon.flow')}"
    + rf"(?:\s*{_r.cap(NAME, 'variable.other.entity.flow')}"
    + rf"(?:\s+{_r.kw('in', 'keyword.other.in.flow')}"
    + rf"(?:\s+{_r.stage_ref()})?)?)?)?)?",
    "beginCaptures": _r.captures,
    "end": r"(?<=\})|(?=\}|" + SCENARIO_LINE + "|" + TOP_LINE + ")",
    "patterns": inc("comments") + [block(inc("record-body"))],
}
repo["record-body"] = {"patterns": inc("comments", "strings") + [
    # One field a line: `amount 12_000`, `client joana`, `source web, fair`.
    match(lambda r: r"(?:^|(?<=\{))\s*" + r.cap(NAME, "entity.other.attribute-name.field.flow")),
    kw(["yes", "no"], "constant.language.boolean.flow"),
    {"include": "#literals"},
    {"match": "-", "name": "keyword.operator.arithmetic.flow"},
    {"match": NAME, "name": "variable.other.value.flow"},
    {"include": "#punctuation"},
]}
repo["scenario-body"] = {"patterns": inc("comments", "strings", "people", "record") + [
    match(lambda r: r.kw("channel", "storage.type.channel.flow")
          + rf"(?:\s+{r.cap(NAME, 'entity.name.variable.channel.flow')})?"),
    # expect robot legal on d1 done
    match(lambda r: r.kw("expect", SC) + r"\s+" + r.kw("robot", "storage.type.robot.flow")
          + rf"(?:\s+{r.cap(NAME, 'variable.other.robot.flow')}"
          + rf"(?:\s+{r.kw('on', 'keyword.other.on.flow')}"
          + rf"(?:\s+{r.cap(NAME, 'variable.other.record.flow')}"
          + rf"(?:\s+{r.cap(NAME, 'constant.other.enum.flow')})?)?)?)?"),
    # expect task "Call back" on d1 open, expect activity "Visit" on d1 completed
    match(lambda r: r.kw("expect", SC) + r"\s+" + r.kw("task|activity", "storage.type.task.flow")),
    # expect d1 in stage sales.won
    match(lambda r: r.kw("expect", SC) + r"\s+" + r.cap(NAME, "variable.other.record.flow")
          + r"\s+" + r.kw("in", "keyword.other.in.flow") + r"\s+"
          + r.kw("stage", "storage.type.stage.flow") + rf"(?:\s+{r.stage_ref()})?"),
    # expect d1.amount = 15_000
    match(lambda r: r.kw("expect", SC)
          + rf"(?:\s+{r.cap(PATH, 'variable.other.field.flow', '#accessor')})?"),
    # at 2026-03-09 09:00 move d1 to qualify
    match(lambda r: r.kw("move", ACT) + rf"(?:\s+{r.cap(NAME, 'variable.other.record.flow')}"
          + rf"(?:\s+{r.kw('to', 'keyword.other.to.flow')}(?:\s+{r.stage_ref()})?)?)?"),
    match(lambda r: r.kw("set", ACT) + rf"(?:\s+{r.cap(PATH, 'variable.other.field.flow', '#accessor')}"
          + rf"\s*{r.cap('=', 'keyword.operator.assignment.flow')})?"),
    match(lambda r: r.kw("complete", ACT) + r"\s+" + r.kw("task", ACT)),
    match(lambda r: r.kw("for", "keyword.other.for.flow")
          + rf"(?:\s+{r.cap(NAME, 'variable.other.record.flow')})?"),
    kw(["start", "run", "until", "expect", "because", "with"], SC),
    kw(["at"], TIMING),
    kw(["complete"], ACT),
    kw(["in"], "keyword.other.in.flow"),
    kw(["on"], "keyword.other.on.flow"),
] + inc("events", "expression")}

# ------------------------------------------------------------------ the file

TOP = inc("comments", "strings", "calendar", "entity", "pipeline", "people", "scenario", "form",
          "template", "timezone", "use-file", "robot", "trigger", "literals", "operators",
          "punctuation")

grammar = {
    "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    "name": "Flow",
    "scopeName": "source.flow",
    "fileTypes": ["flow"],
    "comment": "Generated by generate.py from the same folder: edit that file, not this one.",
    "patterns": TOP,
    "repository": dict(sorted(repo.items())),
}


def render() -> str:
    return json.dumps(grammar, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        if OUT.read_text(encoding="utf-8") != render():
            sys.exit(f"{OUT.name} is out of date: run python {Path(__file__).name}")
        sys.exit(0)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
