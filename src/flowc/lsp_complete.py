"""Completion for the language server.

Keywords come from the grammar itself: Lark's interactive parser is fed the
text before the cursor and asked which terminals it accepts there.  Names
(stages, fields, calendars, employees, actions, parameters) come from the
context of the last few tokens before the cursor, and from the IR of the
document (the last one that parsed, while the user is typing).

No pygls or lsprotocol import here: `flowc.lsp` converts to LSP types.
"""
from __future__ import annotations

import logging
import re
import attrs

from . import schema

log = logging.getLogger("flowc.lsp")

# ------------------------------------------------------------------ items

@attrs.frozen
class Item:
    label: str
    kind: str  # keyword, field, stage, pipeline, calendar, employee, action, param, robot, form, template, entity
    detail: str = ""
    doc: str = ""
    insert: str | None = None  # plain text (None: the label)
    snippet: str | None = None  # snippet text, if the client supports them
    start: int | None = None  # offset where the replaced text starts (None: the current word)
    sort: str = ""


# ------------------------------------------------------------------ scanning the text before the cursor

_TOKEN = re.compile(r'''
  (?P<ws>\s+)
| (?P<comment>\#[^\n]*)
| (?P<string>"""(?:[^"\\]|\\.|"(?!""))*""")
| (?P<openblock>"""(?:[^"\\]|\\.|"(?!""))*\\?\Z)
| (?P<string1>"(?:[^"\\\n]|\\.)*")
| (?P<open1>"(?:[^"\\\n]|\\.)*\\?\Z)
| (?P<date>\d{4}-\d{2}-\d{2})
| (?P<time>\d{1,2}:\d{2})
| (?P<duration>\d+(?:_\d+)*[ \t]*(?:minutes|minute|mins|min|m|hours|hour|h|days|day|d|weeks|week|w)(?![\w]))
| (?P<number>\d+(?:_\d+)*(?:\.\d+)?)
| (?P<word>[^\W\d]\w*)
| (?P<op>\.\.|!=|<=|>=|\S)
''', re.X)

#: Words that start a top-level item.
_TOP_WORDS = {"timezone", "use", "calendar", "entity", "pipeline", "employee", "form", "template", "robot",
              "trigger", "scenario"}

_BLOCK_WORDS = {"calendar", "entity", "pipeline", "stage", "scenario", "record", "employee", "contact",
                "company", "robot"}


@attrs.define
class Tok:
    type: str
    value: str
    start: int
    end: int


@attrs.define
class Block:
    kind: str  # pipeline, stage, params, entity, scenario, record, employee, ...
    name: str
    open_index: int  # index of the "{" token
    extra: str = ""  # pipeline: the entity; params: the robot's action kind


@attrs.define
class Context:
    tokens: list[Tok]
    blocks: list[Block]
    in_comment: bool = False
    string: Tok | None = None  # the unterminated string the cursor is in
    top_start: int = 0  # where the top-level item the cursor is in starts

    def values(self, n: int) -> list[str]:
        return [t.value for t in self.tokens[-n:]]

    def block(self, kind: str) -> Block | None:
        for b in reversed(self.blocks):
            if b.kind == kind:
                return b
        return None


def scan(text: str) -> Context:
    tokens: list[Tok] = []
    blocks: list[Block] = []
    ctx = Context(tokens, blocks)
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "comment":
            if m.end() == len(text):
                ctx.in_comment = True
            continue
        if kind in ("openblock", "open1"):
            ctx.string = Tok("STRING", m.group(), m.start(), m.end())
            break
        typ = {"string": "STRING", "string1": "STRING", "date": "DATE", "time": "TIME",
               "duration": "DURATION", "number": "NUMBER", "word": "WORD", "op": "OP"}[kind]
        tok = Tok(typ, m.group(), m.start(), m.end())
        tokens.append(tok)
        if typ == "WORD" and not blocks and tok.value in _TOP_WORDS:
            line_start = text.rfind("\n", 0, tok.start) + 1
            if not text[line_start:tok.start].strip():
                ctx.top_start = tok.start
        if tok.value == "{" and typ == "OP":
            blocks.append(_opener(tokens))
        elif tok.value == "}" and typ == "OP" and blocks:
            blocks.pop()
    return ctx


def _opener(tokens: list[Tok]) -> Block:
    """What the "{" just added opens: the nearest block keyword before it."""
    i = len(tokens) - 1
    j = i - 1
    while j >= 0:
        t = tokens[j]
        if t.type == "OP" and t.value in "{}":
            break
        if t.type == "WORD" and t.value in _BLOCK_WORDS:
            # `stage` in `complete on stage change` or `expect ... in stage` is no block
            if t.value == "stage" and j > 0 and tokens[j - 1].value in ("on", "in"):
                j -= 1
                continue
            name = tokens[j + 1].value if j + 1 < i and tokens[j + 1].type == "WORD" else ""
            if t.value == "robot":
                return Block("params", name, i, _action_kind(tokens[j + 3:i]))
            extra = ""
            if t.value == "pipeline" and j + 3 < i and tokens[j + 2].value == "for":
                extra = tokens[j + 3].value
            if t.value == "record" and j + 3 < i and tokens[j + 2].value == ":":
                extra = tokens[j + 3].value
            return Block(t.value, name, i, extra)
        j -= 1
    return Block("block", "", i)


_ACTION_BY_WORDS = sorted(((spec["words"].split(), kind) for kind, spec in schema.ACTIONS.items()),
                          key=lambda x: -len(x[0]))


def _action_kind(tokens: list[Tok]) -> str:
    words = [t.value for t in tokens]
    for w, kind in _ACTION_BY_WORDS:
        if words[:len(w)] == w:
            return kind
    return ""


# ------------------------------------------------------------------ keywords from the grammar

def accepted_terminals(text: str) -> set[str] | None:
    """Terminals the grammar accepts after `text`, or None if `text` itself
    does not parse up to its end."""
    from .parse import _lark

    try:
        ip = _lark().parse_interactive(text)
        ip.exhaust_lexer()
        return set(ip.accepts())
    except Exception:
        return None


def keyword_items(accepted: set[str]) -> list[Item]:
    from .parse import _lark

    lark = _lark()
    out = []
    seen = set()
    for name in accepted:
        try:
            term = lark.get_terminal(name)
        except KeyError:
            continue
        if term.pattern.type != "str":
            continue
        word = term.pattern.value
        if not re.fullmatch(r"[a-z]+", word) or word in seen:
            continue
        seen.add(word)
        out.append(Item(word, "keyword", "keyword", schema.KEYWORD_DOCS.get(word, ""), sort="2" + word))
    return out


# ------------------------------------------------------------------ snippets

#: How each action is written, as a snippet (LSP snippet syntax).
ACTION_SNIPPETS = {
    "notify": 'notify ${1:responsible} "${2:message}"',
    "create_task": 'create task "${1:title}"',
    "plan_activity": 'plan activity "${1:title}"',
    "change_responsible": "change responsible to ${1:employee}",
    "set_field": "set ${1:field} = ${2:value}",
    "move_to": "move to ${1:stage}",
    "create_document": "create document ${1:template}",
    "send_email": 'send email "${1:subject}" {\n\ttext "${2:text}"\n}',
    "send_sms": 'send sms "${1:text}"',
    "send_chat": 'send chat "${1:text}"',
    "make_call": 'make call say "${1:text}"',
    "invite": "invite to ${1:telegram}",
    "create_repeat_lead": "create repeat lead",
    "copy_record": "copy ${1:deal} to ${2:stage}",
    "add_to_audience": 'add to audience "${1:audience}"',
    "webhook": 'webhook "${1:https://}"',
    "app": 'app "${1:name}"',
}

#: Parameters written after the action's words rather than in its `{ }` block.
POSITIONAL = {
    "notify": {"to", "message"}, "create_task": {"title"}, "change_responsible": {"to"},
    "set_field": {"field", "value"}, "move_to": {"stage"}, "create_document": {"template"},
    "send_email": {"subject"}, "send_sms": {"text"}, "send_chat": {"text"}, "make_call": {"say", "play"},
    "invite": {"messenger"}, "copy_record": {"entity", "stage"}, "add_to_audience": {"audience"},
    "webhook": {"url"}, "app": {"app"},
}

#: Block parameter name -> the words that start it.
PARAM_KEYWORDS = {
    "add_to_calendar": "add to calendar", "complete_on_stage_change": "complete on stage change",
    "track_clicks": "track clicks",
}


def block_params(kind: str) -> list[str]:
    """Parameters an action takes in its `{ }` block."""
    spec = schema.ACTIONS.get(kind)
    if spec is None:
        return []
    written = set(schema.PARAM_WORDS.values())
    return [p for p in spec["params"] if p in written and p not in POSITIONAL.get(kind, ())]


def param_snippet(name: str) -> tuple[str, str]:
    """(plain text, snippet) for a block parameter, from schema.PARAM_SYNTAX."""
    words = PARAM_KEYWORDS.get(name, name)
    syntax = schema.PARAM_SYNTAX.get(name, words)
    rest = syntax[len(words):].strip() if syntax.startswith(words) else ""
    if not rest:
        return words, words
    if rest.startswith('"'):
        return words, f'{words} "$1"'
    m = re.fullmatch(r"<(\w+)>(.*)", rest)
    if m:
        return words, f"{words} ${{1:{m.group(1)}}}"
    first = rest.split()[0]
    if "|" in first:
        choices = [c for c in first.split("|") if c and not c.startswith("[")]
        if name == "from":
            return words, f"{words} ${{1:auto}}"
        return words, f"{words} ${{1|{','.join(choices)}|}}"
    return words, f"{words} ${{1:{rest}}}"


# ------------------------------------------------------------------ names

def _fields(index, entity: str | None) -> dict:
    if index is None:
        return {}
    if entity is not None:
        return index.fields(entity)
    out = dict(index.fields("deal"))
    for e in index.entities:
        for k, v in index.fields(e).items():
            out.setdefault(k, v)
    return out


def field_items(index, entity: str | None, path: list[str], date_only: bool = False) -> list[Item]:
    fields = _fields(index, entity)
    if path:
        info = fields.get(path[0])
        typ = info.type if info is not None else None
        for part in path[1:]:
            typ = schema.RELATION_FIELDS.get(typ or "", {}).get(part)
        sub = schema.RELATION_FIELDS.get(typ or "", {})
        return [Item(k, "field", v, f"`{'.'.join(path)}.{k}`: {v}", sort="0" + k) for k, v in sub.items()]
    out = []
    for name, info in fields.items():
        if date_only and info.type not in schema.TEMPORAL:
            continue
        detail = info.type + (" (optional)" if info.optional else "")
        doc = ("built-in field" if info.builtin else f"field of {entity}" if entity else "field")
        # Declared fields first, then the built-in ones.
        out.append(Item(name, "field", detail, doc, sort=("1" if info.builtin else "0") + name))
    return out


def stage_items(index, current: str | None, text_stages: list[str], qualified: str | None) -> list[Item]:
    if index is None:
        return [Item(s, "stage", "stage", sort="0" + s) for s in text_stages]
    out: dict[str, Item] = {}
    if qualified is not None:
        pl = index.pipelines.get(qualified)
        for s in pl.stages if pl else ():
            out[s.name.value] = Item(s.name.value, "stage", s.title or "", f"stage of {pl.name.value}",
                                     sort="0" + s.name.value)
        return list(out.values())
    cur = index.pipelines.get(current) if current else None
    for s in text_stages:
        out[s] = Item(s, "stage", "", f"stage of {current}", sort="0" + s)
    if cur is not None:
        for s in cur.stages:
            out[s.name.value] = Item(s.name.value, "stage", s.title or "", f"stage of {cur.name.value}",
                                     sort="0" + s.name.value)
    for pl in index.pipelines.values():
        if cur is not None and pl is cur:
            continue
        for s in pl.stages:
            label = f"{pl.name.value}.{s.name.value}"
            out.setdefault(label, Item(label, "stage", s.title or "", f"stage of {pl.name.value}",
                                       sort="1" + label))
            if cur is None and current is None:
                # Outside a pipeline (scenarios): bare names too.
                out.setdefault(s.name.value, Item(s.name.value, "stage", s.title or "",
                                                  f"stage of {pl.name.value}", sort="0" + s.name.value))
    return list(out.values())


def employee_items(index) -> list[Item]:
    if index is None:
        return []
    return [Item(name, "employee", p.title or "employee", sort="0" + name) for name, p in index.employees.items()]


def calendar_items(index) -> list[Item]:
    if index is None:
        return []
    out = []
    for name, cal in index.calendars.items():
        tz = index.calendar_timezone(cal)
        out.append(Item(name, "calendar", f"calendar ({tz})", sort="0" + name))
    return out


def action_items(snippets: bool, start: int | None) -> list[Item]:
    out = []
    for kind, spec in schema.ACTIONS.items():
        snip = ACTION_SNIPPETS.get(kind, spec["words"])
        out.append(Item(spec["words"], "action", spec.get("group", "") + " action", spec.get("doc", ""),
                        insert=spec["words"], snippet=snip if snippets else None, start=start,
                        sort="0" + spec["words"]))
    return out


def param_items(kind: str, present: set[str], snippets: bool) -> list[Item]:
    out = []
    for p in block_params(kind):
        if p in present:
            continue
        plain, snip = param_snippet(p)
        out.append(Item(plain, "param", schema.PARAM_SYNTAX.get(p, ""),
                        f"parameter of `{schema.ACTIONS[kind]['words']}`", insert=plain,
                        snippet=snip if snippets else None, sort="0" + plain))
    return out


# ------------------------------------------------------------------ the entry point

_PREFIX = re.compile(r"[^\W\d]\w*\Z")
_CONDITION_START = {"if", "and", "or", "not", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "(",
                    "contains", "between", "["}


def complete(text: str, offset: int, analysis, fallback, snippets: bool = True) -> list[Item]:
    """Completion items at `offset` of `text`.  `analysis` is the document's
    latest analysis; `fallback` the latest one whose document parsed (names)."""
    offset = max(0, min(offset, len(text)))
    before = text[:offset]
    ctx = scan(before)
    if ctx.in_comment:
        return []
    names = fallback if fallback is not None else analysis
    index = names.index if names is not None else None
    pipeline_block = ctx.block("pipeline")
    entity = None
    if pipeline_block is not None:
        entity = pipeline_block.extra or None
        if index is not None and pipeline_block.name in index.pipelines:
            entity = index.pipelines[pipeline_block.name].entity.value

    if ctx.string is not None:
        return _in_string(ctx.string.value, index, entity)

    m = _PREFIX.search(before)
    prefix_start = m.start() if m else offset
    tokens = ctx.tokens
    if m and tokens and tokens[-1].end == offset and tokens[-1].type == "WORD":
        tokens = tokens[:-1]
    vals = [t.value for t in tokens[-40:]]
    last = vals[-1] if vals else ""

    def ends(*words: str) -> bool:
        if len(words) > len(vals):
            return False
        return all(w == "*" or w == v for w, v in zip(words, vals[-len(words):]))

    items: list[Item] = []

    # robot x: <action>
    act_start = _action_context(tokens, prefix_start)
    if act_start is not None:
        return action_items(snippets, act_start)

    # Inside an action's { } block: its parameters (and names after some of them).
    innermost = ctx.blocks[-1] if ctx.blocks else None
    if innermost is not None and innermost.kind == "params":
        inside = tokens[innermost.open_index + 1:]
        if inside and inside[-1].value in ("responsible", "invite", "observers", ",") and \
                _param_of(inside) in ("responsible", "invite", "observers"):
            return employee_items(index)
        if not inside or _at_param_start(inside):
            present = {_param_name(t.value) for t in inside if t.type == "WORD"}
            return param_items(innermost.extra, present, snippets)
        return []

    # Stage names.
    qualified = None
    if len(vals) >= 2 and last == "." and tokens[-2].type == "WORD":
        head = vals[:-2]
        if _stage_context(head):
            qualified = vals[-2]
            return stage_items(index, None, [], qualified)
    if _stage_context(vals):
        current = pipeline_block.name if pipeline_block is not None else None
        text_stages = _text_stages(tokens, pipeline_block)
        return stage_items(index, current, text_stages, None)

    # The grammar is `start: _item*`: what it accepts inside an item does not
    # depend on the items before, so only the current one is fed (fast).
    accepted = None
    if ctx.top_start and ctx.top_start <= prefix_start:
        accepted = accepted_terminals(before[ctx.top_start:prefix_start])
    if accepted is None:
        accepted = accepted_terminals(before[:prefix_start])
    # Employees.
    if last == "notify" or ends("change", "responsible", "to") or (last == "or" and _responsible_chain(vals)) \
            or (last == "supervisor" and ctx.blocks and ctx.blocks[-1].kind in ("employee", "contact", "company")):
        items += employee_items(index)
        if accepted:
            items += [i for i in keyword_items(accepted) if i.label in ("responsible", "supervisor")]
        return items
    # Calendars: `in office hours`.
    if last == "in" and not _in_is_not_calendar(vals) and (accepted is None or "NAME" in accepted):
        return calendar_items(index)
    # Reusable robots and triggers placed in a stage.
    if (last == "use" or (last == "," and _use_chain(vals))) and ctx.blocks and ctx.blocks[-1].kind == "stage":
        if index is not None:
            items += [Item(n, "robot", "reusable robot", sort="0" + n) for n in index.robot_defs]
            items += [Item(n, "trigger", "reusable trigger", sort="0" + n) for n in index.trigger_defs]
        return items
    if ends("form", "submitted") or ends("callback", "requested"):
        items += [Item(n, "form", f.title or "form", sort="0" + n) for n, f in (index.forms.items() if index else ())]
    if ends("create", "document") or ends("document", "created") or ends("document", "opened"):
        items += [Item(n, "template", t.title or "template", sort="0" + n)
                  for n, t in (index.templates.items() if index else ())]
    # Fields of a scenario record: `expect d1.` / `at ... set d1.`
    if len(vals) >= 3 and last == "." and vals[-3] in ("expect", "set") and ctx.block("scenario") is not None:
        rec_entity = _record_entity(names, vals[-2])
        return field_items(index, rec_entity, [])
    # Fields: in conditions, `set`, `field x, y changed`, `2 days before <date field>`.
    path = _path_before(tokens)
    if path is not None:
        starter, parts = path
        if parts:
            return field_items(index, entity, parts)
        if starter in _CONDITION_START or starter == "set" or starter in ("field", "fields") \
                or (starter == "," and _field_list(vals)):
            items += field_items(index, entity, [])
        elif starter in ("before", "after") and len(tokens) >= 2 and tokens[-2].type == "DURATION":
            items += field_items(index, entity, [], date_only=True)
    if accepted:
        have = {i.label for i in items}
        items += [i for i in keyword_items(accepted) if i.label not in have]
    return items


def _in_string(raw: str, index, entity: str | None) -> list[Item]:
    """Completion inside a string: field names in a `{placeholder}`."""
    body = raw.lstrip('"')
    # The last "{" not escaped and not closed.
    i = len(body)
    while True:
        i = body.rfind("{", 0, i)
        if i < 0:
            return []
        if i > 0 and body[i - 1] == "\\":
            continue
        break
    inner = body[i + 1:]
    if "}" in inner or not re.fullmatch(r"\s*(?:[^\W\d]\w*\s*\.\s*)*(?:[^\W\d]\w*)?", inner):
        return []
    parts = [p.strip() for p in inner.split(".")][:-1]
    return field_items(index, entity, parts)


def _action_context(tokens: list[Tok], prefix_start: int) -> int | None:
    """After `robot x:` (and maybe the first words of an action): the offset
    where the action starts."""
    for k in range(0, 3):
        if len(tokens) < 3 + k:
            return None
        head = tokens[len(tokens) - 3 - k:len(tokens) - k]
        if head[0].value == "robot" and head[1].type == "WORD" and head[2].value == ":":
            typed = [t.value for t in tokens[len(tokens) - k:]]
            if not all(t.type == "WORD" for t in tokens[len(tokens) - k:]):
                return None
            if k == 0:
                return prefix_start
            if any(spec["words"].split()[:k] == typed and len(spec["words"].split()) > k
                   for spec in schema.ACTIONS.values()):
                return tokens[len(tokens) - k].start
            return None
    return None


def _stage_context(vals: list[str]) -> bool:
    if not vals:
        return False
    n = len(vals)
    if vals[-1] == "to" and n >= 2 and vals[-2] == "move":
        return True  # robot: move to
    if vals[-1] == "to" and n >= 3 and vals[-3] in ("move", "copy"):
        return True  # scenario: move d1 to / robot: copy deal to
    if vals[-1] == "in" and n >= 5 and vals[-5] == "record" and vals[-3] == ":":
        return True  # record d1: deal in
    if vals[-1] == "stage" and n >= 4 and vals[-2] == "in" and vals[-4] == "expect":
        return True  # expect d1 in stage
    return False


def _in_is_not_calendar(vals: list[str]) -> bool:
    n = len(vals)
    if n >= 2 and vals[-2] == "deadline":
        return True
    if n >= 5 and vals[-5] == "record":
        return True
    if n >= 3 and vals[-3] == "expect":
        return True
    return False


def _responsible_chain(vals: list[str]) -> bool:
    """`change responsible to ana or bruno or`"""
    i = len(vals) - 1
    while i >= 1 and vals[i] == "or":
        i -= 2
    return i >= 2 and vals[i - 2:i + 1] == ["change", "responsible", "to"]


def _use_chain(vals: list[str]) -> bool:
    i = len(vals) - 1
    while i >= 1 and vals[i] == ",":
        i -= 2
    return i >= 0 and vals[i] == "use"


def _field_list(vals: list[str]) -> bool:
    i = len(vals) - 1
    while i >= 1 and vals[i] == ",":
        i -= 2
    return i >= 0 and vals[i] in ("field", "fields")


def _path_before(tokens: list[Tok]) -> tuple[str, list[str]] | None:
    """(the token before a field path being typed, the path's complete parts)."""
    parts: list[str] = []
    i = len(tokens) - 1
    if i >= 0 and tokens[i].value == ".":
        while i >= 1 and tokens[i].value == "." and tokens[i - 1].type == "WORD":
            parts.insert(0, tokens[i - 1].value)
            i -= 2
    if i < 0:
        return None
    return tokens[i].value, parts


def _param_name(word: str) -> str:
    for name, words in PARAM_KEYWORDS.items():
        if word == words.split()[0]:
            return name
    return word


def _param_of(inside: list[Tok]) -> str:
    """The parameter the last tokens of a block belong to."""
    for t in reversed(inside):
        if t.type == "WORD" and t.value in ("responsible", "invite", "observers"):
            return t.value
        if t.type != "WORD" and t.value != ",":
            return ""
    return ""


_PARAM_ENDS_AFTER = {
    # parameter word -> how many value tokens follow it
    "title": 1, "description": 1, "text": 1, "subject": 1, "address": 1, "location": 1, "link": 1,
    "provider": 1, "voice": 1, "line": 1, "volume": 1, "speed": 1, "priority": 1, "color": 1,
    "contacts": 1, "network": 1, "responsible": 1, "from": 1,
}


def _at_param_start(inside: list[Tok]) -> bool:
    """The cursor is where a new parameter may start (a rough check: after a
    value token, or a flag)."""
    last = inside[-1]
    if last.type in ("STRING", "NUMBER", "TIME", "DATE", "DURATION"):
        return True
    if last.type == "WORD":
        if len(inside) >= 2 and inside[-2].type == "WORD" and inside[-2].value in _PARAM_ENDS_AFTER:
            return True
        return last.value in ("hidden", "calendar", "change", "clicks", "auto", "today", "tomorrow",
                              "first", "last")
    return False


def _text_stages(tokens: list[Tok], block: Block | None) -> list[str]:
    if block is None:
        return []
    out = []
    toks = tokens[block.open_index:]
    for i in range(1, len(toks) - 1):
        a, b = toks[i], toks[i + 1]
        if a.value == "stage" and b.type == "WORD" and toks[i - 1].value not in ("on", "in"):
            out.append(b.value)
    return out


def _record_entity(analysis, name: str) -> str | None:
    if analysis is None or analysis.project is None:
        return None
    for sc in analysis.project.scenarios:
        for r in sc.records:
            if r.name.value == name:
                return r.entity.value
    return None


def snippet_escape(text: str) -> str:
    return re.sub(r"([$}\\])", r"\\\1", text)


__all__ = ["Item", "complete", "scan", "accepted_terminals", "block_params", "param_snippet"]
