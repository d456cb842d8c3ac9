"""Hover: robots (action, timing in words, condition), fields, triggers,
stages, pipelines, calendars, keywords."""
from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types as T

from flowc_lsp_helpers import SALES, Editor, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def hover_text(editor: Editor, needle: str, nth: int = 0, delta: int = 1) -> str:
    h = await editor.hover("sales.flow", *position_of(SALES, needle, nth, delta))
    assert h is not None, needle
    assert isinstance(h.contents, T.MarkupContent)
    return h.contents.value


@pytest_asyncio.fixture(loop_scope="module")
async def opened(editor: Editor) -> Editor:
    await editor.open("sales.flow", SALES)
    return editor


async def test_robot_name(opened: Editor):
    text = await hover_text(opened, "call:")
    assert "plan activity" in text
    assert "Plan an activity" in text  # the action's documentation
    assert "immediately when the deal enters Contract approval" in text


async def test_reusable_robot_timing_and_condition(opened: Editor):
    text = await hover_text(opened, "legal:")
    assert "Send a notification" in text
    assert "15 working minutes after entering Contract approval, office calendar, Europe/Lisbon" in text
    assert "if amount > 10_000 and client.email is set" in text
    assert "placed in sales.contract" in text


async def test_robot_action_words(opened: Editor):
    text = await hover_text(opened, "send sms", delta=6)
    assert "robot sms" in text
    assert "after the previous robot (receipt) finishes" in text


async def test_relative_timing(opened: Editor):
    text = await hover_text(opened, "robot remind", delta=8)
    assert "2 days before close_date" in text


async def test_placed_robot(opened: Editor):
    h = await opened.hover("sales.flow", *position_of(SALES, "use legal", delta=6))
    assert h is not None and "robot legal" in h.contents.value
    line, col = position_of(SALES, "use legal", delta=4)
    assert h.range == T.Range(T.Position(line, col), T.Position(line, col + 5))


async def test_field_declaration_and_uses(opened: Editor):
    decl = await hover_text(opened, "amount: money")
    assert "money" in decl and "required" in decl
    optional = await hover_text(opened, "tracking: optional")
    assert "optional" in optional
    use = await hover_text(opened, "amount > 10_000")
    assert "**amount**: money, required" in use
    placeholder = await hover_text(opened, "{close_date}", delta=2)
    assert "close_date" in placeholder and "date" in placeholder
    relation = await hover_text(opened, "client.email", delta=8)
    assert "client.email" in relation and "text" in relation
    builtin = await hover_text(opened, "{title}", delta=2)
    assert "text" in builtin


async def test_trigger(opened: Editor):
    text = await hover_text(opened, "invoice paid", delta=3)
    assert "an invoice of the record changed status to Paid" in text
    assert "forward only" in text
    back = await hover_text(opened, "paid_online: order paid", delta=15)
    assert "order" in back and "move the record back" in back
    kw = await hover_text(opened, "trigger invoice paid")
    assert "invoice paid" in kw


async def test_stage_pipeline_calendar(opened: Editor):
    stage = await hover_text(opened, 'contract "Contract approval"')
    assert "Contract approval" in stage and "3 robots" in stage and "1 trigger" in stage
    use = await hover_text(opened, "installation.todo", delta=14)
    assert "stage todo" in use and "installation" in use
    pipeline = await hover_text(opened, "sales for deal")
    assert "5 stages" in pipeline and "7 robots, 3 triggers" in pipeline
    calendar = await hover_text(opened, "office hours")
    assert "Europe/Lisbon" in calendar and "mon-fri 09:00-13:00, 14:00-18:00" in calendar


async def test_keyword(opened: Editor):
    text = await hover_text(opened, "holidays")
    assert text.startswith("**holidays**")
    assert "Public holidays" in text
    between = await hover_text(opened, "after 15m")
    assert "wait" in between


async def test_nothing_to_say(opened: Editor):
    # Inside a string, away from placeholders.
    assert await opened.hover("sales.flow", *position_of(SALES, "Payment received", delta=3)) is None


async def test_hover_while_the_text_does_not_parse(opened: Editor):
    # The user is typing: the last parsed IR still answers for unchanged names.
    broken = SALES.replace('stage lost "Closed lost" failure', 'stage lost "Closed lost" failure robot')
    since = opened.mark()
    version = opened.change("sales.flow", broken)
    await opened.published(opened.uri("sales.flow"), since, version)
    h = await opened.hover("sales.flow", *position_of(broken, "amount: money", delta=1))
    assert h is not None and "money" in h.contents.value
