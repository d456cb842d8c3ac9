"""Completion: keywords from the grammar, and names by context.  Most cases
complete text that does not parse yet (the user is typing), so the names
come from the last IR that parsed."""
from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types as T

from flowc_lsp_helpers import SALES, Editor, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

#: Where typed lines go: a new line in the `paid` stage.
ANCHOR = "    robot thanks: move to won\n"


@pytest_asyncio.fixture(loop_scope="module")
async def opened(editor: Editor) -> Editor:
    await editor.open("sales.flow", SALES)
    return editor


async def typing(editor: Editor, typed: str, anchor: str = ANCHOR) -> dict[str, T.CompletionItem]:
    """Insert `typed` after `anchor`, complete at its end: label -> item."""
    i = SALES.index(anchor) + len(anchor)
    text = SALES[:i] + typed + "\n" + SALES[i:]
    editor.change("sales.flow", text)
    line, col = position_of(text, typed, delta=len(typed))
    items = await editor.complete("sales.flow", line, col)
    return {it.label: it for it in items}


async def test_keywords_at_top_level(opened: Editor):
    labels = await typing(opened, "", anchor="# Sales pipeline, for the language server tests.\n")
    assert {"calendar", "entity", "pipeline", "robot", "trigger", "scenario", "use", "timezone"} <= set(labels)
    assert labels["pipeline"].kind == T.CompletionItemKind.Keyword
    assert "stage" not in labels  # not valid at top level


async def test_keywords_after_an_action(opened: Editor):
    labels = await typing(opened, '    robot z: notify responsible "x" ')
    assert {"after", "immediately", "at", "in", "if"} <= set(labels)
    assert "pipeline" not in labels


async def test_keywords_of_a_trigger_event(opened: Editor):
    labels = await typing(opened, "    trigger ")
    assert {"form", "invoice", "order", "email", "call", "field"} <= set(labels)


async def test_stage_names_after_move_to(opened: Editor):
    labels = await typing(opened, "    robot z: move to ")
    assert {"new", "contract", "paid", "won", "lost", "installation.todo", "installation.done"} <= set(labels)
    assert labels["won"].kind == T.CompletionItemKind.EnumMember


async def test_stage_names_after_copy_to(opened: Editor):
    assert {"installation.todo", "won"} <= set(await typing(opened, "    robot z: copy deal to "))
    assert set(await typing(opened, "    robot z: copy deal to installation.")) == {"todo", "done"}


async def test_stage_names_in_scenarios(opened: Editor):
    record = await typing(opened, "  record d2: deal in ", anchor="  run for 3 days\n")
    assert {"contract", "won", "installation.todo"} <= set(record)
    expect = await typing(opened, "  expect d1 in stage ", anchor="  run for 3 days\n")
    assert {"contract", "paid"} <= set(expect)


async def test_field_names_in_conditions(opened: Editor):
    labels = await typing(opened, '    robot z: notify ana "x" if ')
    assert {"amount", "close_date", "tracking", "client", "title", "responsible"} <= set(labels)
    assert labels["amount"].kind == T.CompletionItemKind.Field
    assert labels["amount"].detail == "money"
    after_and = await typing(opened, '    robot z: notify ana "x" if amount > 1 and ')
    assert "close_date" in after_and
    after_or = await typing(opened, '    robot z: notify ana "x" if amount > 1 or not ')
    assert "close_date" in after_or


async def test_relation_sub_fields(opened: Editor):
    labels = await typing(opened, '    robot z: notify ana "x" if client.')
    assert set(labels) == {"name", "email", "phone", "company"}  # the client is a contact here


async def test_fields_in_placeholders(opened: Editor):
    labels = await typing(opened, '    robot z: notify ana "Hello {')
    assert {"amount", "title", "client"} <= set(labels)
    sub = await typing(opened, '    robot z: notify ana "Hello {client.')
    assert set(sub) == {"name", "email", "phone", "company"}
    assert await typing(opened, '    robot z: notify ana "Hello ') == {}  # plain text: nothing


async def test_actions_with_snippets(opened: Editor):
    labels = await typing(opened, "    robot z: ")
    assert {"notify", "send email", "move to", "plan activity", "copy", "webhook"} <= set(labels)
    email = labels["send email"]
    assert email.kind == T.CompletionItemKind.Function
    assert email.insert_text_format == T.InsertTextFormat.Snippet
    assert email.text_edit.new_text.startswith('send email "${1:subject}"')
    assert "e-mail" in email.documentation.value


async def test_action_replaces_the_words_typed(opened: Editor):
    typed = "    robot z: send em"
    labels = await typing(opened, typed)
    edit = labels["send email"].text_edit
    line, col = position_of(typed, "send em")
    assert edit.range.start.character == col  # from "send", not from "em"
    assert edit.range.end.character == len(typed)


async def test_parameters_of_the_action(opened: Editor):
    activity = await typing(opened, '    robot z: plan activity "x" {\n      title "y"\n      ')
    assert {"deadline", "responsible", "add to calendar", "complete on stage change", "location"} <= set(activity)
    assert "title" not in activity  # already given
    assert "subject" not in activity and "track clicks" not in activity  # not parameters of this action
    assert activity["deadline"].kind == T.CompletionItemKind.Property
    email = await typing(opened, '    robot z: send email "x" { ')
    assert set(email) == {"text", "from", "to", "attach", "track clicks"}
    assert email["to"].text_edit.new_text.startswith("to ${1|work,home,")
    assert await typing(opened, '    robot z: notify ana "x" { ') == {}  # notify takes none


async def test_calendar_names(opened: Editor):
    labels = await typing(opened, '    robot z: notify ana "x" after 2h in ')
    assert set(labels) == {"office"}
    assert await typing(opened, '    robot z: notify ana "x" if amount in ') == {}  # a list follows


async def test_employee_names(opened: Editor):
    labels = await typing(opened, "    robot z: notify ")
    assert {"ana", "bruno", "responsible", "supervisor"} <= set(labels)
    assert labels["ana"].detail == "Ana Ferreira"
    chain = await typing(opened, "    robot z: change responsible to ana or ")
    assert {"ana", "bruno"} <= set(chain)


async def test_reusable_names_after_use(opened: Editor):
    assert {"legal", "paid_online"} <= set(await typing(opened, "    use "))


async def test_completion_in_a_new_document(editor: Editor):
    # A document that never parsed: keywords still come from the grammar.
    text = "pipeline p for deal {\n  stage a {\n    robot r: move to "
    await editor.open("new.flow", text)
    labels = {it.label for it in await editor.complete("new.flow", 2, len("    robot r: move to "))}
    assert "a" in labels  # the stage typed above, read from the text


async def test_no_completion_in_comments(opened: Editor):
    assert await typing(opened, "    # robot z: move to ") == {}


async def test_employee_fields_as_recipients(opened: Editor):
    """docs/language.md#recipients: an employee field of the record names an employee."""
    base = SALES.replace("  client: contact\n", "  client: contact\n  courier: optional employee\n")
    since = opened.mark()
    version = opened.change("sales.flow", base)  # parses: its names become the fallback ones
    await opened.published(opened.uri("sales.flow"), since, version)
    i = base.index(ANCHOR) + len(ANCHOR)
    for typed in ("    robot z: notify ", "    robot z: change responsible to ",
                  '    robot z: create task "x" { responsible ', '    robot z: plan activity { invite ana, '):
        text = base[:i] + typed + "\n" + base[i:]
        opened.change("sales.flow", text)
        line, col = position_of(text, typed, delta=len(typed))
        labels = {it.label: it for it in await opened.complete("sales.flow", line, col)}
        assert {"ana", "courier"} <= set(labels), typed
        assert labels["courier"].detail == "employee field"
        assert "amount" not in labels and "title" not in labels  # not employees
