"""Go to definition and find references."""
from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types as T

from flowc_lsp_helpers import SALES, Editor, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def opened(editor: Editor) -> Editor:
    await editor.open("sales.flow", SALES)
    return editor


def at(text: str, needle: str, nth: int = 0, delta: int = 0, length: int | None = None) -> T.Range:
    line, col = position_of(text, needle, nth, delta)
    n = len(needle) - delta if length is None else length
    return T.Range(T.Position(line, col), T.Position(line, col + n))


def ranges(locations) -> list[T.Range]:
    return sorted((loc.range for loc in locations), key=lambda r: (r.start.line, r.start.character))


async def test_stage_definition(opened: Editor):
    locs = await opened.definition("sales.flow", *position_of(SALES, "move to won", delta=9))
    assert [loc.uri for loc in locs] == [opened.uri("sales.flow")]
    assert locs[0].range == at(SALES, 'won "Closed won"', length=3)


async def test_qualified_stage_and_pipeline_definition(opened: Editor):
    stage = await opened.definition("sales.flow", *position_of(SALES, "installation.todo", delta=14))
    assert stage[0].range == at(SALES, 'todo "To schedule"', length=4)
    pipeline = await opened.definition("sales.flow", *position_of(SALES, "installation.todo", delta=2))
    assert pipeline[0].range == at(SALES, 'installation for deal', length=12)


async def test_stage_references(opened: Editor):
    pos = position_of(SALES, 'contract "Contract approval"')
    refs = await opened.references("sales.flow", *pos)
    assert ranges(refs) == [
        at(SALES, 'contract "Contract approval"', length=8),
        at(SALES, "deal in contract", delta=8),
        at(SALES, "in stage contract", delta=9),
    ]
    without = await opened.references("sales.flow", *pos, declaration=False)
    assert len(without) == 2


async def test_reusable_robot(opened: Editor):
    # From the place it is used to its definition...
    locs = await opened.definition("sales.flow", *position_of(SALES, "use legal", delta=5))
    assert [loc.range for loc in locs] == [at(SALES, "legal:", length=5)]
    # ...and every reference: the definition, the `use`, the scenario's expectation.
    refs = await opened.references("sales.flow", *position_of(SALES, "legal:"))
    assert ranges(refs) == [
        at(SALES, "legal:", length=5),
        at(SALES, "use legal", delta=4),
        at(SALES, "robot legal on", delta=6, length=5),
    ]


async def test_reusable_trigger(opened: Editor):
    locs = await opened.definition("sales.flow", *position_of(SALES, "use paid_online", delta=5))
    assert [loc.range for loc in locs] == [at(SALES, "paid_online:", length=11)]


async def test_field_calendar_employee_form_record(opened: Editor):
    field = await opened.definition("sales.flow", *position_of(SALES, "amount > 10_000"))
    assert [loc.range for loc in field] == [at(SALES, "amount: money", length=6)]
    refs = await opened.references("sales.flow", *position_of(SALES, "amount: money"))
    assert len(refs) == 4  # declaration, {amount}, the condition, the record's value
    cal = await opened.definition("sales.flow", *position_of(SALES, "office hours"))
    assert [loc.range for loc in cal] == [at(SALES, "office {", length=6)]
    emp = await opened.definition("sales.flow", *position_of(SALES, 'notify bruno', delta=7))
    assert [loc.range for loc in emp] == [at(SALES, 'bruno "Bruno', length=5)]
    sup = await opened.references("sales.flow", *position_of(SALES, 'ana "Ana'))
    assert len(sup) == 3  # declaration, supervisor ana, notify ana
    form = await opened.definition("sales.flow", *position_of(SALES, "submitted quote_request", delta=10))
    assert [loc.range for loc in form] == [at(SALES, 'quote_request "Quote', length=13)]
    rec = await opened.definition("sales.flow", *position_of(SALES, "expect d1", delta=7))
    assert [loc.range for loc in rec] == [at(SALES, "d1: deal", length=2)]


async def test_builtin_field_has_no_definition(editor: Editor):
    text = 'pipeline p for lead {\n  stage a {\n    robot r: notify responsible "{title}"\n  }\n}\n'
    await editor.open("lead.flow", text)
    assert await editor.definition("lead.flow", *position_of(text, "{title}", delta=1)) is None
    h = await editor.hover("lead.flow", *position_of(text, "{title}", delta=1))
    assert h is not None and "built-in field of lead" in h.contents.value


async def test_used_file(editor: Editor):
    editor.write("common.flow", 'calendar office {\n  hours mon-fri 09:00-18:00\n}\n\n'
                                'pipeline support for deal {\n  stage open\n  stage closed success\n}\n')
    main = ('use "common.flow"\n\npipeline sales for deal {\n  stage new {\n'
            '    robot a: notify responsible "x" after 1h in office hours\n'
            '    robot b: copy deal to support.open\n  }\n}\n')
    assert await editor.open("main.flow", main) == []
    # `use "common.flow"`: the definition is the file.
    locs = await editor.definition("main.flow", *position_of(main, "common.flow"))
    assert [loc.uri for loc in locs] == [editor.uri("common.flow")]
    assert locs[0].range == T.Range(T.Position(0, 0), T.Position(0, 0))
    # Names declared in the used file.
    cal = await editor.definition("main.flow", *position_of(main, "office hours"))
    assert [(loc.uri, loc.range.start) for loc in cal] == [(editor.uri("common.flow"), T.Position(0, 9))]
    stage = await editor.definition("main.flow", *position_of(main, "support.open", delta=8))
    assert [(loc.uri, loc.range.start) for loc in stage] == [(editor.uri("common.flow"), T.Position(5, 8))]
    # References from the declaration in the used file, once it is open too.
    await editor.open("common.flow", write=False)
    refs = await editor.references("common.flow", 0, 10)
    assert sorted(loc.uri for loc in refs) == sorted([editor.uri("common.flow"), editor.uri("main.flow")])
    # References of a file: every `use` of it.
    uses = await editor.references("main.flow", *position_of(main, "common.flow"), declaration=False)
    assert [loc.uri for loc in uses] == [editor.uri("main.flow")]


async def test_navigation_while_typing_above(opened: Editor):
    # The user types an unfinished line near the top: the file does not parse,
    # and every name after it moved.  The last parsed IR still answers, in the
    # current text's positions.
    broken = SALES.replace('timezone "Europe/Lisbon"\n', 'timezone "Europe/Lisbon"\ncalendar half {\n  hours mon-\n')
    since = opened.mark()
    version = opened.change("sales.flow", broken)
    assert [d.code for d in await opened.published(opened.uri("sales.flow"), since, version)] == ["F003"]
    locs = await opened.definition("sales.flow", *position_of(broken, "move to won", delta=9))
    assert [loc.range for loc in locs] == [at(broken, 'won "Closed won"', length=3)]
    h = await opened.hover("sales.flow", *position_of(broken, "legal:"))
    assert h is not None and "robot legal" in h.contents.value
    assert h.range == at(broken, "legal:", length=5)
    refs = await opened.references("sales.flow", *position_of(broken, "legal:"))
    assert len(refs) == 3
    # Inside the unfinished text itself: nothing to say.
    assert await opened.definition("sales.flow", *position_of(broken, "half")) is None


async def test_templates(editor: Editor):
    text = ('template contract_pdf "Contract"\n\npipeline p for deal {\n  stage a {\n'
            '    robot d: create document contract_pdf\n  }\n  stage b {\n'
            '    trigger document opened contract_pdf\n  }\n}\n')
    assert await editor.open("docs.flow", text) == []
    locs = await editor.definition("docs.flow", *position_of(text, "document contract_pdf", delta=10))
    assert [loc.range for loc in locs] == [at(text, "contract_pdf", length=12)]
    refs = await editor.references("docs.flow", *position_of(text, "contract_pdf"))
    assert len(refs) == 3
    h = await editor.hover("docs.flow", *position_of(text, "opened contract_pdf", delta=8))
    assert h is not None and 'template contract_pdf' in h.contents.value


async def test_employee_fields_and_deadlines_lead_to_the_field(editor: Editor):
    """An employee field named as a recipient or invitee, and the field of a
    relative deadline, are references to the field (docs/language.md#recipients,
    #deadlines); an employee stays an employee."""
    text = '''employee ana "Ana Ferreira"
entity deal {
  courier: optional employee
  meeting_at: datetime
}
pipeline sales for deal {
  stage new {
    robot tell: notify courier "Deliver {title}"
    robot visit: plan activity "Visit" { invite courier, ana deadline 1 day before meeting_at }
  }
  stage won success
}
'''
    await editor.open("fields.flow", text)
    declared = at(text, "courier: optional", length=7)
    for needle in ("notify courier", "invite courier"):
        locs = await editor.definition("fields.flow", *position_of(text, needle, delta=len(needle) - 7))
        assert [loc.range for loc in locs] == [declared], needle
    locs = await editor.definition("fields.flow", *position_of(text, "before meeting_at", delta=7))
    assert [loc.range for loc in locs] == [at(text, "meeting_at: datetime", length=10)]
    locs = await editor.definition("fields.flow", *position_of(text, "courier, ana", delta=9))
    assert [loc.range for loc in locs] == [at(text, 'ana "Ana Ferreira"', length=3)]
