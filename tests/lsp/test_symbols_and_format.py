"""Document symbols (the outline) and formatting."""
from __future__ import annotations

import importlib.util

import pytest
from lsprotocol import types as T

from flowc_lsp_helpers import SALES, Editor, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


def by_name(symbols) -> dict[str, T.DocumentSymbol]:
    return {s.name: s for s in symbols}


def inside(inner: T.Range, outer: T.Range) -> bool:
    key = lambda p: (p.line, p.character)  # noqa: E731
    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


async def test_outline(editor: Editor):
    await editor.open("sales.flow", SALES)
    symbols = await editor.symbols("sales.flow")
    assert all(isinstance(s, T.DocumentSymbol) for s in symbols)
    top = by_name(symbols)
    assert list(top) == ["office", "ana", "bruno", "quote_request", "deal", "legal", "paid_online",
                         "sales", "installation", "big_deal"]
    assert top["office"].kind == T.SymbolKind.Object
    assert top["sales"].kind == T.SymbolKind.Namespace
    # entity > fields
    deal = top["deal"]
    assert deal.kind == T.SymbolKind.Struct
    assert [f.name for f in deal.children] == ["title", "amount", "close_date", "tracking", "client"]
    assert deal.children[1].detail == "money"
    # pipeline > stages > robots and triggers
    sales = top["sales"]
    assert [s.name for s in sales.children] == ["new", "contract", "paid", "won", "lost"]
    contract = by_name(sales.children)["contract"]
    assert contract.detail == "Contract approval"
    assert [(c.name, c.kind) for c in contract.children] == [
        ("form submitted quote_request", T.SymbolKind.Event), ("call", T.SymbolKind.Method),
        ("legal", T.SymbolKind.Method), ("remind", T.SymbolKind.Method)]
    paid = by_name(sales.children)["paid"]
    assert [c.name for c in paid.children] == ["invoice paid", "paid_online", "receipt", "sms", "thanks"]
    # scenario > records
    scenario = top["big_deal"]
    assert scenario.kind == T.SymbolKind.Module
    assert [(r.name, r.kind) for r in scenario.children] == [("d1", T.SymbolKind.Variable)]
    # Ranges: the selection is the name, inside the whole item; children inside parents.
    line, col = position_of(SALES, 'sales for deal')
    assert sales.selection_range == T.Range(T.Position(line, col), T.Position(line, col + 5))
    assert sales.range.start == T.Position(line, col - len("pipeline "))

    def walk(symbol):
        assert inside(symbol.selection_range, symbol.range), symbol.name
        for child in symbol.children or ():
            assert inside(child.range, symbol.range), (symbol.name, child.name)
            walk(child)
    for s in symbols:
        walk(s)


async def test_outline_of_a_file_being_typed(editor: Editor):
    # The outline of the last version that parsed, while the user is typing.
    await editor.open("sales.flow", SALES)
    editor.change("sales.flow", SALES + "\npipeline half for")
    names = [s.name for s in await editor.symbols("sales.flow")]
    assert "sales" in names and "big_deal" in names


HAS_FORMATTER = importlib.util.find_spec("flowc.fmt") is not None


@pytest.mark.skipif(not HAS_FORMATTER, reason="no flowc.fmt in this tree")
async def test_formatting(editor: Editor):
    messy = 'pipeline p   for deal {\n stage a {\n      robot r:   move to b }\n  stage b }\n'
    await editor.open("messy.flow", messy)
    edits = await editor.client.text_document_formatting_async(T.DocumentFormattingParams(
        text_document=editor.doc("messy.flow"), options=T.FormattingOptions(tab_size=2, insert_spaces=True)))
    from flowc.fmt import format_text

    assert len(edits) == 1
    assert edits[0].range.start == T.Position(0, 0)
    assert edits[0].new_text == format_text(messy)
    # Formatting again changes nothing; a text that does not parse is left alone.
    editor.change("messy.flow", edits[0].new_text)
    assert await editor.client.text_document_formatting_async(T.DocumentFormattingParams(
        text_document=editor.doc("messy.flow"), options=T.FormattingOptions(tab_size=2, insert_spaces=True))) in ([], ())
    editor.change("messy.flow", messy + "pipeline")
    assert await editor.client.text_document_formatting_async(T.DocumentFormattingParams(
        text_document=editor.doc("messy.flow"), options=T.FormattingOptions(tab_size=2, insert_spaces=True))) in ([], ())
