"""Completion for the language server.

Keywords come from the grammar itself: Lark's interactive parser is fed the
text before the cursor and asked which terminals it accepts there.  Names
(stages, fields, calendars, employees, actions, parameters) come from the
context of the last few tokens before the cursor, and from the IR of the
document (the last one that parsed, while the user is typing).

What is before the cursor is read by `flowc.lsp.scan`.  No pygls or
lsprotocol import here: `flowc.lsp.features` converts to LSP types.
"""
from __future__ import annotations

import logging
import re
import attrs

from .. import schema
from .scan import (
    action_context, at_param_start, field_list, in_is_not_calendar, param_of, path_before,
    responsible_chain, scan, stage_context, text_stages, use_chain)

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


# ------------------------------------------------------------------ keywords from the grammar

def accepted_terminals(text: str) -> set[str] | None:
    """Terminals the grammar accepts after `text`, or None if `text` itself
    does not parse up to its end."""
    from ..parse import _lark

    try:
        ip = _lark().parse_interactive(text)
        ip.exhaust_lexer()
        return set(ip.accepts())
    except Exception:
        return None


def keyword_items(accepted: set[str]) -> list[Item]:
    from ..parse import _lark

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


def employee_field_items(index, entity: str | None) -> list[Item]:
    """Employee fields of the record: `notify courier`, `responsible courier`
    (docs/language.md#recipients)."""
    if index is None:
        return []
    return [Item(name, "field", "employee field", f"the employee in the record's `{name}` field",
                 sort="1" + name)
            for name, info in _fields(index, entity).items()
            if info.type == "employee" and not info.builtin]


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
    act_start = action_context(tokens, prefix_start)
    if act_start is not None:
        return action_items(snippets, act_start)

    # Inside an action's { } block: its parameters (and names after some of them).
    innermost = ctx.blocks[-1] if ctx.blocks else None
    if innermost is not None and innermost.kind == "params":
        inside = tokens[innermost.open_index + 1:]
        if inside and inside[-1].value in ("responsible", "invite", "observers", ",") and \
                param_of(inside) in ("responsible", "invite", "observers"):
            return employee_items(index) + employee_field_items(index, entity)
        if not inside or at_param_start(inside):
            present = {_param_name(t.value) for t in inside if t.type == "WORD"}
            return param_items(innermost.extra, present, snippets)
        return []

    # Stage names.
    qualified = None
    if len(vals) >= 2 and last == "." and tokens[-2].type == "WORD":
        head = vals[:-2]
        if stage_context(head):
            qualified = vals[-2]
            return stage_items(index, None, [], qualified)
    if stage_context(vals):
        current = pipeline_block.name if pipeline_block is not None else None
        return stage_items(index, current, text_stages(tokens, pipeline_block), None)

    # The grammar is `start: _item*`: what it accepts inside an item does not
    # depend on the items before, so only the current one is fed (fast).
    accepted = None
    if ctx.top_start and ctx.top_start <= prefix_start:
        accepted = accepted_terminals(before[ctx.top_start:prefix_start])
    if accepted is None:
        accepted = accepted_terminals(before[:prefix_start])
    # Employees.
    if last == "notify" or ends("change", "responsible", "to") or (last == "or" and responsible_chain(vals)) \
            or (last == "supervisor" and ctx.blocks and ctx.blocks[-1].kind in ("employee", "contact", "company")):
        items += employee_items(index)
        if last != "supervisor":
            items += employee_field_items(index, entity)
        if accepted:
            items += [i for i in keyword_items(accepted) if i.label in ("responsible", "supervisor")]
        return items
    # Calendars: `in office hours`.
    if last == "in" and not in_is_not_calendar(vals) and (accepted is None or "NAME" in accepted):
        return calendar_items(index)
    # Reusable robots and triggers placed in a stage.
    if (last == "use" or (last == "," and use_chain(vals))) and ctx.blocks and ctx.blocks[-1].kind == "stage":
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
    path = path_before(tokens)
    if path is not None:
        starter, parts = path
        if parts:
            return field_items(index, entity, parts)
        if starter in _CONDITION_START or starter == "set" or starter in ("field", "fields") \
                or (starter == "," and field_list(vals)):
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
        if i > 0 and body[i - 1] == "\\" or body[max(0, i - 2):i] == "\\u":  # \{ and \u{X...}
            continue
        break
    inner = body[i + 1:]
    if "}" in inner or not re.fullmatch(r"\s*(?:[^\W\d]\w*\s*\.\s*)*(?:[^\W\d]\w*)?", inner):
        return []
    parts = [p.strip() for p in inner.split(".")][:-1]
    return field_items(index, entity, parts)


def _param_name(word: str) -> str:
    for name, words in PARAM_KEYWORDS.items():
        if word == words.split()[0]:
            return name
    return word


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
