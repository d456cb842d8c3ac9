"""Drawing a board (`flowc.board`) as Mermaid flowchart text or Graphviz DOT.

The same picture in both: one box per pipeline, its stages left to right in
pipeline order (success stages green, failure stages red), each stage with
its robots (name, action, timing, condition); each trigger an amber node with
an arrow into its stage (a thick arrow labelled `allow back` when it may also
move records back); robot effects that move, copy or create records, or fire
another stage's trigger, as dashed arrows labelled with the robot; every loop
the checker reports (F403) in red.  Output is deterministic: it depends on
the board only.
"""
from __future__ import annotations

from .board import Board, Link, StageNode

#: Colours, shared by both outputs.
COLORS = {
    "success_fill": "#e8f5e9", "success_line": "#2e7d32",
    "failure_fill": "#ffebee", "failure_line": "#c62828",
    "trigger_fill": "#fff8e1", "trigger_line": "#f9a825",
    "outside_fill": "#f5f5f5", "outside_line": "#9e9e9e",
    "stage_fill": "#ffffff", "stage_line": "#546e7a",
    "loop": "#d32f2f", "link": "#455a64", "back": "#1565c0",
}

#: The longest condition shown in full; longer ones are cut with an ellipsis.
CONDITION_WIDTH = 48

FINAL_WORDS = {"success": "success", "failure": "failure"}


def _cut(text: str, width: int = CONDITION_WIDTH) -> str:
    """The text, or its first words that fit in `width` and an ellipsis."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,") + " …"


def robot_line(r) -> str:
    """`legal: notify supervisor · 15 working min · if amount > 10_000`."""
    parts = [f"{r.name}: {r.action}", r.timing]
    if r.condition:
        parts.append("if " + _cut(r.condition))
    return " · ".join(parts)


def trigger_line(t) -> str:
    head = f"{t.name}: {t.event}" if t.name else t.event
    return head + (" · if " + _cut(t.condition) if t.condition else "")


def link_label(lk: Link) -> str:
    """`install: copy`, `bump: sets amount`."""
    return f"{lk.robot}: {lk.label}"


def pipeline_heading(p) -> str:
    """`Sales — pipeline sales for deal`."""
    code = f"pipeline {p.name} for {p.entity}"
    return code if p.title == p.name else f"{p.title} — {code}"


def stage_heading(s: StageNode) -> str:
    final = f" ({FINAL_WORDS[s.final]})" if s.final in FINAL_WORDS else ""
    return f"{s.title}{final}"


# ------------------------------------------------------------------ Mermaid

def _mm(text: str) -> str:
    """Text inside a quoted Mermaid label: its entity codes for the characters
    that would end the label or be read as markup."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("|", "#124;").replace("`", "#96;"))


def mermaid(board: Board) -> str:
    out = ["flowchart LR"]
    count = 0               # linkStyle numbers every link, invisible ones included
    loop_links: list[int] = []
    back_links: list[int] = []

    def link(text: str, loop: bool = False, back: bool = False) -> None:
        nonlocal count
        (loop_links if loop else back_links if back else []).append(count)
        count += 1
        out.append(text)

    classes: dict[str, list[str]] = {"success": [], "failure": [], "trigger": [], "outside": []}
    loops: list[str] = []
    for p in board.pipelines:
        out.append(f'  subgraph {p.id} ["{_mm(pipeline_heading(p))}"]')
        out.append("    direction LR")
        for s in p.stages:
            lines = [stage_heading(s)] + [robot_line(r) for r in s.robots]
            out.append(f'    {s.id}["' + "<br/>".join(_mm(x) for x in lines) + '"]')
            if s.final:
                classes[s.final].append(s.id)
            if s.in_loop:
                loops.append(s.id)
            for t in s.triggers:
                out.append(f'    {t.id}(["{_mm(trigger_line(t))}"])')
                classes["trigger"].append(t.id)
        for a, b in zip(p.stages, p.stages[1:]):
            link(f"    {a.id} ~~~ {b.id}")
        for s in p.stages:
            for t in s.triggers:
                if t.allow_back:
                    link(f'    {t.id} ==>|"allow back"| {s.id}', back=True)
                else:
                    link(f"    {t.id} --> {s.id}")
        out.append("  end")
    for o in board.outside:
        out.append(f'  {o.id}["{_mm(o.label)}"]')
        classes["outside"].append(o.id)
    for lk in board.links:
        link(f'  {lk.src} -.->|"{_mm(link_label(lk))}"| {lk.dst}', loop=lk.in_loop)
    out.append(f"  classDef success fill:{COLORS['success_fill']},stroke:{COLORS['success_line']}")
    out.append(f"  classDef failure fill:{COLORS['failure_fill']},stroke:{COLORS['failure_line']}")
    out.append(f"  classDef trigger fill:{COLORS['trigger_fill']},stroke:{COLORS['trigger_line']}")
    out.append(f"  classDef outside fill:{COLORS['outside_fill']},stroke:{COLORS['outside_line']},"
               "stroke-dasharray:4 3")
    for name, ids in classes.items():
        if ids:
            out.append(f"  class {','.join(ids)} {name}")
    for sid in loops:
        out.append(f"  style {sid} stroke:{COLORS['loop']},stroke-width:3px")
    if back_links:
        out.append(f"  linkStyle {','.join(map(str, back_links))} stroke:{COLORS['back']},color:{COLORS['back']}")
    if loop_links:
        out.append(f"  linkStyle {','.join(map(str, loop_links))} "
                   f"stroke:{COLORS['loop']},stroke-width:3px,color:{COLORS['loop']}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ Graphviz DOT

def _q(text: str) -> str:
    """A DOT quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _h(text: str) -> str:
    """Text inside a DOT HTML-like label."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("]", "&#93;").replace("[", "&#91;"))


def _stage_label(s: StageNode) -> str:
    if s.final:
        head_fill = COLORS[f"{s.final}_fill"]
    else:
        head_fill = "#eceff1"
    rows = [f'<tr><td bgcolor="{head_fill}"><b>{_h(stage_heading(s))}</b></td></tr>']
    for r in s.robots:
        rows.append(f'<tr><td align="left"><font point-size="9">{_h(robot_line(r))}</font></td></tr>')
    return "<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"4\">" + "".join(rows) + "</table>>"


def dot(board: Board) -> str:
    out = ["digraph flow {",
           '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.5];',
           '  node [fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=9];']
    for p in board.pipelines:
        out.append(f"  subgraph cluster_{p.id} {{")
        out.append(f"    label={_q(pipeline_heading(p))};")
        out.append(f'    style="rounded"; color="{COLORS["outside_line"]}";')
        for s in p.stages:
            line = COLORS["loop"] if s.in_loop else COLORS[f"{s.final}_line"] if s.final else COLORS["stage_line"]
            width = 3 if s.in_loop else 1
            out.append(f'    {s.id} [shape=box, style="rounded,filled", fillcolor="{COLORS["stage_fill"]}", '
                       f'color="{line}", penwidth={width}, margin=0, label={_stage_label(s)}];')
            for t in s.triggers:
                out.append(f'    {t.id} [shape=box, style="rounded,filled", fillcolor="{COLORS["trigger_fill"]}", '
                           f'color="{COLORS["trigger_line"]}", label={_q(trigger_line(t))}];')
        for a, b in zip(p.stages, p.stages[1:]):
            out.append(f"    {a.id} -> {b.id} [style=invis, weight=10];")
        for s in p.stages:
            for t in s.triggers:
                if t.allow_back:
                    out.append(f'    {t.id} -> {s.id} [penwidth=2.5, color="{COLORS["back"]}", '
                               f'fontcolor="{COLORS["back"]}", label="allow back"];')
                else:
                    out.append(f"    {t.id} -> {s.id};")
        out.append("  }")
    for o in board.outside:
        out.append(f'  {o.id} [shape=box, style="rounded,filled,dashed", fillcolor="{COLORS["outside_fill"]}", '
                   f'color="{COLORS["outside_line"]}", label={_q(o.label)}];')
    for lk in board.links:
        color = COLORS["loop"] if lk.in_loop else COLORS["link"]
        width = ", penwidth=2.5" if lk.in_loop else ""
        out.append(f'  {lk.src} -> {lk.dst} [style=dashed, color="{color}", fontcolor="{color}"{width}, '
                   f"label={_q(link_label(lk))}];")
    out.append("}")
    return "\n".join(out) + "\n"
