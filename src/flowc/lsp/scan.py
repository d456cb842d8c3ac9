"""What is before the cursor, for completion: the text scanned into rough
tokens (no parse: the text is usually broken while typing), the blocks the
cursor is in (pipeline, stage, an action's parameters, a scenario, ...), and
predicates on the last tokens (after `move to`, in a `use` list, ...).
"""
from __future__ import annotations

import re

import attrs

from .. import schema


_TOKEN = re.compile(r'''
  (?P<ws>\s+)
| (?P<comment>\#[^\n]*)
| (?P<string>"""(?:[^"\\]|\\.|"(?!""))*""")
| (?P<openblock>"""(?:[^"\\]|\\.|"(?!""))*\\?\Z)
| (?P<string1>"(?:[^"\\\n]|\\.)*")
| (?P<open1>"(?:[^"\\\n]|\\.)*\\?\Z)
| (?P<date>\d{4}-\d{2}-\d{2})
| (?P<time>\d{1,2}:\d{2})
| (?P<duration>\d+(?:_\d+)*[ \t]*(?:minutes|minute|mins|min|months|month|mo|m|hours|hour|h|days|day|d|weeks|week|w|years|year|y)(?![\w]))
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


# ------------------------------------------------------------------ what the last tokens say

def action_context(tokens: list[Tok], prefix_start: int) -> int | None:
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


def stage_context(vals: list[str]) -> bool:
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


def in_is_not_calendar(vals: list[str]) -> bool:
    n = len(vals)
    if n >= 2 and vals[-2] == "deadline":
        return True
    if n >= 5 and vals[-5] == "record":
        return True
    if n >= 3 and vals[-3] == "expect":
        return True
    return False


def responsible_chain(vals: list[str]) -> bool:
    """`change responsible to ana or bruno or`"""
    i = len(vals) - 1
    while i >= 1 and vals[i] == "or":
        i -= 2
    return i >= 2 and vals[i - 2:i + 1] == ["change", "responsible", "to"]


def use_chain(vals: list[str]) -> bool:
    i = len(vals) - 1
    while i >= 1 and vals[i] == ",":
        i -= 2
    return i >= 0 and vals[i] == "use"


def field_list(vals: list[str]) -> bool:
    i = len(vals) - 1
    while i >= 1 and vals[i] == ",":
        i -= 2
    return i >= 0 and vals[i] in ("field", "fields")


def path_before(tokens: list[Tok]) -> tuple[str, list[str]] | None:
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


def param_of(inside: list[Tok]) -> str:
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


def at_param_start(inside: list[Tok]) -> bool:
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


def text_stages(tokens: list[Tok], block: Block | None) -> list[str]:
    if block is None:
        return []
    out = []
    toks = tokens[block.open_index:]
    for i in range(1, len(toks) - 1):
        a, b = toks[i], toks[i + 1]
        if a.value == "stage" and b.type == "WORD" and toks[i - 1].value not in ("on", "in"):
            out.append(b.value)
    return out
