"""Pygments lexer for .flow files: ``pygmentize -l flow examples/sales.flow``.

Registered as the ``flow`` entry point of the ``pygments.lexers`` group (see
pyproject.toml), so Pygments, Sphinx, MkDocs and every tool built on them find
it by name (``flow``, ``flowc``) or by file name (``*.flow``) once flowc is
installed.

This module imports Pygments only: no Lark, nothing else of flowc, so loading
the lexer stays cheap.  The keyword lists are literal here; the editor tests
check them against grammar/flow.lark.

It follows the same roles as the VS Code grammar (editors/vscode/syntaxes):
structure keywords, timing, conditions, actions, events, parameters, names
where declared, literals (durations, dates, times), strings with placeholders
and escapes.  Keywords of .flow are reserved only where the grammar expects
them (a field may be called ``title`` or ``date``), so the lexer keeps a state
per block and recognises the phrases of each.  It never produces ``Error``
tokens: text it does not understand comes out as plain ``Text``.
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.token import (Comment, Keyword, Literal, Name, Number, Operator, Punctuation,
                            String, Text, Whitespace)

__all__ = ["FlowLexer"]

NAME = r"[^\W\d]\w*"
B = r"(?<![\w.])"  # a word starts here (not inside a word, not after a dot)
E = r"(?![\w.])"  # a word ends here
_ = r"[^\S\n]+"  # spaces on one line
NAMES = rf"{NAME}(?:\s*,\s*{NAME})*"

# Token types by role (the TextMate scope each one stands for, in brackets).
DECL = Keyword.Declaration  # storage.type: pipeline, stage, robot, ...
FLAG = Keyword.Pseudo  # storage.modifier: optional, smart process, callback, allow back
TIMING = Keyword  # keyword.control.timing: after, before, at, in, hours, ...
CONTROL = Keyword  # keyword.control.conditional: if
OTHER = Keyword  # keyword.other: for, to, on, in, calendar and scenario words
OP_WORD = Operator.Word  # keyword.operator.logical / .word: and or not in contains ...
ACTION = Name.Builtin  # support.function.action: notify, send email, ...
EVENT = Keyword.Type  # support.type.event: form submitted, call missed, ...
TYPE = Name.Class  # support.type.field: the type of an entity's field (a name)
LIST = Keyword.Type  # support.type.list: `list [...]`
PARAM = Name.Attribute  # entity.other.attribute-name: action parameters, person items
RECIPIENT = Name.Builtin.Pseudo  # variable.language.recipient: responsible, supervisor
CONSTANT = Keyword.Constant  # constant.language: yes no today now auto, weekdays, success
ENUM = Name.Constant  # constant.other.enum: priority high, color blue, done
DECLARED = Name.Class  # entity.name.type: names of pipelines, stages, calendars, ...
FUNCTION = Name.Function  # entity.name.function: names of robots and triggers
VARIABLE = Name.Variable  # entity.name.variable, variable.other.field: records, field paths
FIELD = Name.Property  # entity.name.variable.field, entity.other.attribute-name.field
LABEL = Name.Label  # variable.other.label: `email work "..."`
REF = Name  # variable.other: names used (stages, employees, calendars, ...)
STRING = String.Double
DURATION = Number.Other  # constant.numeric.duration: 15m, 3 days
DATE = Literal.Date  # constant.numeric.date: 2026-03-09
TIME = Literal.Date  # constant.numeric.time: 09:00

# The keywords of grammar/flow.lark, by role (tests/editors checks that none is missing).
STRUCTURE = ("calendar", "entity", "pipeline", "stage", "robot", "trigger", "scenario", "use",
             "timezone", "form", "template", "employee", "contact", "company", "record",
             "channel")
CALENDAR = ("hours", "holidays", "closed", "open")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMINGS = ("after", "before", "at", "in", "hours", "immediately", "previous")
ACTIONS = ("notify", "create", "task", "document", "repeat", "lead", "plan", "activity",
           "change", "set", "move", "send", "email", "sms", "chat", "make", "call", "say",
           "play", "invite", "copy", "add", "audience", "webhook", "app")
EVENTS = ("field", "fields", "changed", "responsible", "form", "submitted", "callback",
          "requested", "invoice", "order", "paid", "document", "created", "opened", "visit",
          "resource", "booked", "email", "received", "sent", "link", "clicked", "call",
          "incoming", "outgoing", "missed", "chat", "first", "message", "accepted", "task",
          "status", "webhook", "app")
PARAMS = ("title", "description", "text", "subject", "deadline", "responsible", "priority",
          "color", "contacts", "invite", "address", "location", "link", "attach", "provider",
          "voice", "volume", "speed", "line", "hidden", "network", "observers", "from", "to",
          "add", "calendar", "complete", "on", "stage", "change", "track", "clicks")
PERSON_ITEMS = ("email", "phone", "chat", "mailbox", "supervisor", "company")
SCENARIO = ("start", "run", "until", "expect", "because", "with")
# Units of durations, longest first where one is a prefix of another
# (flowc.schema.DURATION_UNITS; tests/editors check that they agree).
UNITS = "minutes|minute|mins|min|months|month|mo|m|hours|hour|h|days|day|d|weeks|week|w|years|year|y"
TOP_WORDS = ("calendar", "entity", "pipeline", "employee", "contact", "company", "form",
             "template", "robot", "trigger", "scenario", "timezone", "use", "stage")


def kw(*ws: str) -> str:
    return B + "(?:" + "|".join(sorted(ws, key=lambda w: (-len(w), w))) + ")" + E


def cap(*ws: str) -> str:
    """One keyword among `ws`, as a group."""
    return B + "(" + "|".join(sorted(ws, key=lambda w: (-len(w), w))) + ")" + E


# A robot or a trigger ends at the `}` of its stage, at the next robot or
# trigger, or before a line that starts a new item.
ITEM_END = r"(?=\}|" + kw("robot", "trigger") + r"|\n\s*" + kw(*TOP_WORDS) + ")"
STAGE_REF = rf"(?:({NAME})(\s*)(\.)(\s*))?({NAME})"
STAGE_REF_TOKENS = (REF, Whitespace, Punctuation, Whitespace, REF)
# Names after these words are not the optional name of an event.
NOT_A_NAME = r"(?!" + kw("if", "for", "allow", "robot", "trigger", "use") + ")"


_PIECES = re.compile(rf"({NAME})|([.,])|(\s+)")


def _names(ttype):
    """A bygroups action for `a.b.c` or `a, b`: names as `ttype`, dots and commas as
    punctuation."""
    def callback(lexer, match, ctx=None):
        base = match.start()
        for m in _PIECES.finditer(match.group()):
            kind = ttype if m.group(1) else Punctuation if m.group(2) else Whitespace
            yield base + m.start(), kind, m.group()
    return callback


def _pop():
    """A rule action that produces no token (for lookahead rules that leave a state)."""
    return bygroups()


class FlowLexer(RegexLexer):
    """Lexer for flowc's .flow files: CRM pipelines, robots, triggers and scenarios."""

    name = "Flow"
    aliases = ["flow", "flowc"]
    filenames = ["*.flow"]
    mimetypes = ["text/x-flow"]
    url = "https://pypi.org/project/flowc/"

    tokens = {
        # ------------------------------------------------------------ lexical
        "ws": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
        ],
        "ws-line": [  # inside robots and triggers, whose end is seen at a newline
            (_, Whitespace),
            (r"\n", Whitespace),
            (r"#.*$", Comment.Single),
        ],
        "strings": [
            (r'"""', STRING, "string-triple"),
            (r'"', STRING, "string"),
        ],
        "escapes": [
            (r'\\(?:["\\nt{}]|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]{1,6}\})', String.Escape),
            (rf"\{{[ \t]*{NAME}(?:\.{NAME})*[ \t]*\}}", String.Interpol),
        ],
        "string": [
            include("escapes"),
            (r'[^"\\{\n]+', STRING),
            (r'"', STRING, "#pop"),
            (r"[\\{]", STRING),
            default("#pop"),  # a string left open ends with its line, as in flowc
        ],
        "string-triple": [
            include("escapes"),
            (r'"""', STRING, "#pop"),
            (r'[^"\\{]+', STRING),
            (r'["\\{]', STRING),
        ],
        "literals": [
            (r"\b\d{4}-\d{2}-\d{2}\b", DATE),
            (r"\b\d{1,2}:\d{2}\b", TIME),
            (r"\b\d+(?:_\d+)*[ \t]*(?:" + UNITS + r")(?!\w)", DURATION),
            (r"\b\d+(?:_\d+)*\.\d+\b", Number.Float),
            (r"\b\d+(?:_\d+)*\b", Number.Integer),
        ],
        "operators": [
            (r"!=|<=|>=|=|<|>", Operator),
            (r"[-+*/]", Operator),
        ],
        "punctuation": [
            (r"\.\.", Punctuation),
            (r"[,.:\[\]()]", Punctuation),
        ],
        "fallback": [
            (NAME, REF),
            (r"[{}]", Punctuation),
            (r".", Text),
        ],

        # ------------------------------------------------------------ top level
        "root": [
            include("ws"),
            include("strings"),
            (cap("calendar") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, DECLARED),
             "calendar-head"),
            (cap("entity") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, DECLARED),
             "entity-head"),
            (cap("pipeline") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, DECLARED),
             "pipeline-head"),
            include("people"),
            (cap("scenario") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, DECLARED),
             "scenario-head"),
            (cap("form", "template") + rf"(?:(\s+)({NAME}))?",
             bygroups(DECL, Whitespace, DECLARED)),
            (kw("callback"), FLAG),
            (kw("timezone", "use"), DECL),
            include("items"),
            include("literals"),
            include("operators"),
            include("punctuation"),
            include("fallback"),
        ],
        "items": [
            (cap("robot") + rf"(?:(\s+)({NAME})(?:(\s*)(:))?)?",
             bygroups(DECL, Whitespace, FUNCTION, Whitespace, Punctuation), "robot"),
            (cap("trigger") + rf"(?:(\s+)({NAME})(\s*)(:))?",
             bygroups(DECL, Whitespace, FUNCTION, Whitespace, Punctuation), "trigger"),
        ],

        # ------------------------------------------------------------ calendars
        "calendar-head": [
            include("ws"),
            include("strings"),
            (r"\{", Punctuation, ("#pop", "calendar-body")),
            default("#pop"),
        ],
        "calendar-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            (kw("timezone"), DECL),
            (kw(*CALENDAR), OTHER),
            (kw(*WEEKDAYS), CONSTANT),
            include("literals"),
            (r"\.\.|-", Punctuation),
            include("punctuation"),
            include("fallback"),
        ],

        # ------------------------------------------------------------ entities
        "entity-head": [
            include("ws"),
            include("strings"),
            (kw("smart", "process"), FLAG),
            (r"\{", Punctuation, ("#pop", "entity-body")),
            default("#pop"),
        ],
        "entity-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            # `title: text`: the name before `:` is a field, whatever it is called
            (B + rf"({NAME})(\s*)(:)(?:(\s*)" + cap("optional") + ")?"
             + r"(?:(\s*)(?:" + cap("list") + rf"|({NAME})))?",
             bygroups(FIELD, Whitespace, Punctuation, Whitespace, FLAG, Whitespace, LIST, TYPE)),
            (kw("optional"), FLAG),
            (kw("list"), LIST),
            include("punctuation"),
            include("fallback"),
        ],

        # ------------------------------------------------------------ pipelines
        "pipeline-head": [
            include("ws"),
            include("strings"),
            (kw("for"), OTHER),
            (NAME, REF),
            (r"\{", Punctuation, ("#pop", "pipeline-body")),
            default("#pop"),
        ],
        "pipeline-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            (cap("stage") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, DECLARED),
             "stage-head"),
            include("punctuation"),
            include("fallback"),
        ],
        "stage-head": [
            include("ws"),
            include("strings"),
            (kw("success", "failure"), CONSTANT),
            (r"\{", Punctuation, ("#pop", "stage-body")),
            default("#pop"),
        ],
        "stage-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            include("items"),
            (kw("use"), DECL),  # use call_back, welcome: robots and triggers declared above
            include("punctuation"),
            include("fallback"),
        ],

        # ------------------------------------------------------------ robots
        "robot": [
            (ITEM_END, _pop(), "#pop"),
            include("ws-line"),
            include("strings"),
            (kw("if"), CONTROL, "condition"),
            (r"\{", Punctuation, "params"),
            include("actions"),
            include("timing"),
            (kw("responsible", "supervisor"), RECIPIENT),
            include("literals"),
            include("operators"),
            include("punctuation"),
            include("fallback"),
        ],
        "actions": [
            (cap("notify") + rf"(?:(\s+)(?:" + cap("responsible", "supervisor")
             + rf"|({NAME})))?", bygroups(ACTION, Whitespace, RECIPIENT, REF)),
            (cap("create") + r"(\s+)" + cap("task"), bygroups(ACTION, Whitespace, ACTION)),
            (cap("create") + r"(\s+)" + cap("document") + rf"(?:({_})({NAME}))?",
             bygroups(ACTION, Whitespace, ACTION, Whitespace, REF)),
            (cap("create") + r"(\s+)" + cap("repeat") + r"(\s+)" + cap("lead"),
             bygroups(ACTION, Whitespace, ACTION, Whitespace, ACTION)),
            (cap("plan") + r"(\s+)" + cap("activity"), bygroups(ACTION, Whitespace, ACTION)),
            (cap("change") + r"(\s+)" + cap("responsible") + r"(\s+)" + cap("to"),
             bygroups(ACTION, Whitespace, ACTION, Whitespace, ACTION)),
            (cap("set") + rf"(?:(\s+)({NAME}(?:\s*\.\s*{NAME})*)(\s*)(=))?",
             bygroups(ACTION, Whitespace, _names(VARIABLE), Whitespace, Operator)),
            (cap("move") + r"(\s+)" + cap("to") + rf"(?:(\s+){STAGE_REF})?",
             bygroups(ACTION, Whitespace, ACTION, Whitespace, *STAGE_REF_TOKENS)),
            (cap("send") + r"(\s+)" + cap("email", "sms", "chat"),
             bygroups(ACTION, Whitespace, ACTION)),
            (cap("make") + r"(\s+)" + cap("call") + r"(?:(\s+)" + cap("say", "play") + ")?",
             bygroups(ACTION, Whitespace, ACTION, Whitespace, ACTION)),
            (cap("invite") + r"(\s+)" + cap("to") + rf"(?:(\s+)({NAME}))?",
             bygroups(ACTION, Whitespace, ACTION, Whitespace, REF)),
            (cap("copy") + rf"(?:(\s+)({NAME})(?:(\s+)" + cap("to") + rf"(\s+){STAGE_REF})?)?",
             bygroups(ACTION, Whitespace, REF, Whitespace, OTHER, Whitespace, *STAGE_REF_TOKENS)),
            (cap("add") + r"(\s+)" + cap("to") + r"(\s+)" + cap("audience"),
             bygroups(ACTION, Whitespace, ACTION, Whitespace, ACTION)),
            (cap("to") + rf"(?:({_})({NAME}))?", bygroups(OTHER, Whitespace, VARIABLE)),
            (kw("or"), OP_WORD),  # change responsible to ana or bruno
            (kw(*ACTIONS), ACTION),
        ],
        "timing": [
            (cap("after") + r"(\s+)" + cap("previous"), bygroups(TIMING, Whitespace, TIMING)),
            (cap("in") + rf"(\s+)({NAME})(\s+)" + cap("hours"),
             bygroups(TIMING, Whitespace, REF, Whitespace, TIMING)),
            # 1 day before close_date
            (cap("after", "before") + rf"(?:({_})(?!previous\b)({NAME}(?:\.{NAME})*))?",
             bygroups(TIMING, Whitespace, _names(VARIABLE))),
            (kw(*TIMINGS), TIMING),
        ],
        "params": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            (cap("add") + r"(\s+)" + cap("to") + r"(\s+)" + cap("calendar"),
             bygroups(PARAM, Whitespace, PARAM, Whitespace, PARAM)),
            (cap("complete") + r"(\s+)" + cap("on") + r"(\s+)" + cap("stage") + r"(\s+)"
             + cap("change"),
             bygroups(PARAM, Whitespace, PARAM, Whitespace, PARAM, Whitespace, PARAM)),
            (cap("track") + r"(\s+)" + cap("clicks"), bygroups(PARAM, Whitespace, PARAM)),
            (cap("from") + r"(?:(\s+)" + cap("auto") + ")?", bygroups(PARAM, Whitespace, CONSTANT)),
            (cap("deadline") + r"(?:(\s+)(?:" + cap("today", "tomorrow") + "|" + cap("in") + "))?",
             bygroups(PARAM, Whitespace, CONSTANT, TIMING)),
            (cap("responsible") + r"(?:(\s+)(?:" + cap("responsible", "supervisor")
             + rf"|({NAME})))?", bygroups(PARAM, Whitespace, RECIPIENT, REF)),
            (cap("priority", "color", "network") + rf"(?:(\s+)({NAME}))?",
             bygroups(PARAM, Whitespace, ENUM)),
            (cap("to") + rf"(?:(\s+)({NAME})(?:({_})({NAME}))?)?",
             bygroups(PARAM, Whitespace, VARIABLE, Whitespace, LABEL)),
            # deadline 1 day before due_date at 10:00 in office hours
            (cap("in") + rf"(\s+)({NAME})(\s+)" + cap("hours"),
             bygroups(TIMING, Whitespace, REF, Whitespace, TIMING)),
            (cap("after", "before") + rf"(?:({_})({NAME}(?:\.{NAME})*))?",
             bygroups(TIMING, Whitespace, _names(VARIABLE))),
            (kw(*PARAMS), PARAM),
            (kw("auto", "today", "tomorrow"), CONSTANT),
            (kw("in", "at"), TIMING),
            include("literals"),
            include("punctuation"),
            include("fallback"),
        ],

        # ------------------------------------------------------------ triggers
        "trigger": [
            (ITEM_END, _pop(), "#pop"),
            include("ws-line"),
            include("strings"),
            (kw("if"), CONTROL, "condition"),
            (cap("allow") + r"(\s+)" + cap("back"), bygroups(FLAG, Whitespace, FLAG)),
            (kw("allow", "back"), FLAG),
            include("events"),
            include("punctuation"),
            include("fallback"),
        ],
        "events": [
            (cap("fields?") + rf"(\s+)({NAMES})(\s+)" + cap("changed"),
             bygroups(EVENT, Whitespace, _names(VARIABLE), Whitespace, EVENT)),
            (cap("form") + r"(\s+)" + cap("submitted") + rf"(?:({_}){NOT_A_NAME}({NAME}))?",
             bygroups(EVENT, Whitespace, EVENT, Whitespace, REF)),
            (cap("callback") + r"(\s+)" + cap("requested") + rf"(?:({_}){NOT_A_NAME}({NAME}))?",
             bygroups(EVENT, Whitespace, EVENT, Whitespace, REF)),
            (cap("document") + r"(\s+)" + cap("created", "opened")
             + rf"(?:({_}){NOT_A_NAME}({NAME}))?",
             bygroups(EVENT, Whitespace, EVENT, Whitespace, REF)),
            (cap("task") + r"(\s+)" + cap("status") + r"(\s+)" + cap("changed")
             + rf"(?:({_})" + cap("to") + rf"(?:({_})({NAME}))?)?",
             bygroups(EVENT, Whitespace, EVENT, Whitespace, EVENT, Whitespace, OTHER, Whitespace,
                      ENUM)),
            (kw(*EVENTS), EVENT),
        ],

        # ------------------------------------------------------------ conditions
        "condition": [
            (ITEM_END, _pop(), "#pop"),
            include("ws-line"),
            include("expression"),
        ],
        "expression": [
            include("strings"),
            (kw("and", "or", "not"), OP_WORD),
            (cap("is") + r"(\s+)" + cap("set", "empty"), bygroups(OP_WORD, Whitespace, OP_WORD)),
            (kw("in", "contains", "between", "is", "set", "empty"), OP_WORD),
            (kw("yes", "no", "today", "now"), CONSTANT),
            include("literals"),
            include("operators"),
            include("punctuation"),
            (NAME, VARIABLE),
            include("fallback"),
        ],

        # ------------------------------------------------------------ people
        "people": [
            (cap("employee", "contact", "company") + rf"(?:(\s+)({NAME}))?",
             bygroups(DECL, Whitespace, DECLARED), "person-head"),
        ],
        "person-head": [
            include("ws"),
            include("strings"),
            (r"\{", Punctuation, ("#pop", "person-body")),
            default("#pop"),
        ],
        "person-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            (cap("email", "phone") + rf"(?:({_})({NAME}))?", bygroups(PARAM, Whitespace, LABEL)),
            (cap("chat", "supervisor", "company") + rf"(?:(\s+)({NAME}))?",
             bygroups(PARAM, Whitespace, REF)),
            (kw(*PERSON_ITEMS), PARAM),
            include("punctuation"),
            include("fallback"),
        ],

        # ------------------------------------------------------------ scenarios
        "scenario-head": [
            include("ws"),
            include("strings"),
            (r"\{", Punctuation, ("#pop", "scenario-body")),
            default("#pop"),
        ],
        "scenario-body": [
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            include("people"),
            (cap("record") + rf"(?:(\s+)({NAME})(?:(\s*)(:)(?:(\s*)({NAME})(?:(\s+)"
             + cap("in") + rf"(?:(\s+){STAGE_REF})?)?)?)?)?",
             bygroups(DECL, Whitespace, VARIABLE, Whitespace, Punctuation, Whitespace, REF,
                      Whitespace, OTHER, Whitespace, *STAGE_REF_TOKENS), "record-head"),
            (cap("channel") + rf"(?:(\s+)({NAME}))?", bygroups(DECL, Whitespace, VARIABLE)),
            # expect robot legal on d1 done
            (cap("expect") + r"(\s+)" + cap("robot") + rf"(?:(\s+)({NAME})(?:(\s+)" + cap("on")
             + rf"(?:(\s+)({NAME})(?:({_})({NAME}))?)?)?)?",
             bygroups(OTHER, Whitespace, DECL, Whitespace, REF, Whitespace, OTHER, Whitespace,
                      REF, Whitespace, ENUM)),
            # expect task "Call back" on d1 open
            (cap("expect") + r"(\s+)" + cap("task", "activity"), bygroups(OTHER, Whitespace, DECL)),
            # expect d1 in stage sales.won
            (cap("expect") + rf"(\s+)({NAME})(\s+)" + cap("in") + r"(\s+)" + cap("stage")
             + rf"(?:(\s+){STAGE_REF})?",
             bygroups(OTHER, Whitespace, REF, Whitespace, OTHER, Whitespace, DECL, Whitespace,
                      *STAGE_REF_TOKENS)),
            # at 2026-03-09 09:00 move d1 to qualify
            (cap("move") + rf"(?:(\s+)({NAME})(?:(\s+)" + cap("to") + rf"(?:(\s+){STAGE_REF})?)?)?",
             bygroups(ACTION, Whitespace, REF, Whitespace, OTHER, Whitespace, *STAGE_REF_TOKENS)),
            (cap("set") + rf"(?:(\s+)({NAME}(?:\s*\.\s*{NAME})*)(\s*)(=))?",
             bygroups(ACTION, Whitespace, _names(VARIABLE), Whitespace, Operator)),
            (cap("complete") + r"(\s+)" + cap("task"), bygroups(ACTION, Whitespace, ACTION)),
            (cap("for") + rf"(?:({_})({NAME}))?", bygroups(OTHER, Whitespace, REF)),
            (kw(*SCENARIO), OTHER),
            (kw("at"), TIMING),
            (kw("in", "on"), OTHER),
            include("events"),
            include("expression"),
        ],
        "record-head": [
            include("ws"),
            (r"(\{)(\s*)(" + NAME + ")?", bygroups(Punctuation, Whitespace, FIELD),
             ("#pop", "record-body")),
            default("#pop"),
        ],
        "record-body": [
            (rf"(\n\s*)({NAME})", bygroups(Whitespace, FIELD)),  # one field a line
            include("ws"),
            include("strings"),
            (r"\}", Punctuation, "#pop"),
            (kw("yes", "no"), CONSTANT),
            include("literals"),
            (r"-", Operator),
            include("punctuation"),
            include("fallback"),
        ],
    }
