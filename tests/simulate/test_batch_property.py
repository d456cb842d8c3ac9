"""Robots due at the same moment run as one batch (docs/language.md, "Robots due
at the same moment"; docs/semantics.md, "One batch per record and instant"):
permuting the robots of a stage never changes any robot's status.

Stages are generated from robots that read and write the record (fields, the
responsible), create a document that a trigger answers by moving the deal,
notify the responsible's supervisor, send an e-mail from the responsible's
mailbox, create tasks, move the deal, with conditions on the fields the
others write, due at once or an hour later.  As the docs say, the one case
where the order matters is two robots of one batch writing the same thing
(a field, the responsible, the stage): the generator gives each robot its own
field and at most one `change responsible` and one `move to`.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flowc.check import check
from flowc.diagnostics import Diagnostics, Severity
from flowc.interpret import Simulation
from flowc.lower import load

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)

HEAD = """timezone "Europe/Lisbon"
employee ana "Ana Ferreira" {
  mailbox "ana@pumps.example"
  supervisor carla
}
employee bruno "Bruno Costa"
employee carla "Carla Mendes"
template contract "Contract"
entity deal {
  f0: number
  f1: number
  f2: number
  f3: number
  f4: number
  f5: number
  client: contact
}
"""

PIPELINE = """pipeline sales for deal "Sales" {{
  stage new "New" {{
{robots}
  }}
  stage watch "Watched" {{
    trigger field f0 changed if f0 > 0
  }}
  stage signed "Signed" {{
    trigger document created contract
  }}
  stage other "Other"
}}
"""

SCENARIO = """scenario s {
  start 2026-03-09 09:00
  contact joana "Joana Silva" { email "joana@farm.example" }
  record d1: deal in sales.new {
    f0 0
    f1 0
    f2 0
    f3 0
    f4 0
    f5 0
    client joana
    responsible ana
  }
  run until 2026-03-10
}
"""

#: What a robot does; `{i}` is its number (its own field), `{j}` a field another may write.
ACTIONS = {
    "set": "set f{i} = f{i} + 1",
    "resp": "change responsible to bruno",
    "doc": "create document contract",
    "sup": 'notify supervisor "Check {{title}}"',
    "mail": 'send email "Offer for {{title}}" {{ from auto }}',
    "task": 'create task "Call {{client.name}}"',
    "cond": 'notify responsible "f{j} is up"{timing} if f{j} > 0',
    "move": "move to other",
}
ONCE = ("resp", "move")


@st.composite
def stages(draw):
    n = draw(st.integers(2, 6))
    kinds = []
    for _ in range(n):
        kind = draw(st.sampled_from([k for k in ACTIONS if k not in ONCE or k not in kinds]))
        kinds.append(kind)
    robots = []
    for i, kind in enumerate(kinds):
        timing = draw(st.sampled_from(["", " after 1h"]))
        action = ACTIONS[kind].format(i=i, j=draw(st.integers(0, n - 1)), timing=timing)
        robots.append(f"    robot r{i}: {action}" + ("" if "{timing}" in ACTIONS[kind] else timing))
    order = draw(st.permutations(range(n)))
    return robots, order


def statuses(robots: list[str], tmp_path) -> dict:
    """(record, robot) -> every status it reached, with the moment."""
    text = HEAD + PIPELINE.format(robots="\n".join(robots)) + SCENARIO
    path = tmp_path / "batch.flow"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics()
    project, _ = load([str(path)], diags)
    index = check(project, diags)
    errors = [d for d in diags if d.severity == Severity.ERROR]
    assert not errors, (text, errors)
    sim = Simulation(project, index, project.scenarios[0])
    out: dict = {}
    for ev in sim.run():
        if ev.robot is not None and ev.kind in ("done", "failed", "skipped", "cancelled", "waiting"):
            out.setdefault((ev.record, ev.robot), []).append((ev.kind, ev.at))
    return out


@SETTINGS
@given(stages())
def test_permuting_the_robots_of_a_stage_keeps_every_status(tmp_path_factory, case):
    robots, order = case
    tmp = tmp_path_factory.mktemp("batch")
    written = statuses(robots, tmp)
    permuted = statuses([robots[k] for k in order], tmp)
    assert written == permuted, ("\n".join(robots), order)


def test_the_issue_example_both_orders(tmp_path):
    """issue 8, point 7: resp, doc (answered by a move), sup, task, all immediate:
    all four run, whatever their order."""
    robots = ["    robot resp: change responsible to bruno", "    robot doc: create document contract",
              '    robot sup: notify supervisor "Check {title}"', '    robot task: create task "Call back"']
    for order in (robots, robots[::-1], robots[1:] + robots[:1]):
        got = statuses(order, tmp_path)
        assert {k[1]: v[-1][0] for k, v in got.items()} == {"resp": "done", "doc": "done", "sup": "done",
                                                            "task": "done"}
