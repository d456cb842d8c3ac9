"""Diagnostics: published on open and on change (debounced), with the codes,
messages and ranges of `flowc check`, for the document and the files it uses."""
from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from lsprotocol import types as T

from flowc_lsp_helpers import SALES, SRC, Editor, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


def check_json(path) -> list[dict]:
    """What `flowc check --format json` says about a file."""
    import json
    import os

    env = dict(os.environ, PYTHONPATH=str(SRC))
    out = subprocess.run([sys.executable, "-m", "flowc", "check", "--format", "json", str(path)],
                         capture_output=True, text=True, env=env)
    return json.loads(out.stdout)["diagnostics"]


async def test_clean_file_has_no_diagnostics(editor: Editor):
    assert await editor.open("sales.flow", SALES) == []


async def test_errors_have_codes_ranges_and_messages(editor: Editor):
    text = SALES.replace("robot thanks: move to won", "robot thanks: move to wonn")
    diags = await editor.open("sales.flow", text)
    assert [d.code for d in diags] == ["F104"]
    d = diags[0]
    assert d.source == "flowc"
    assert d.severity == T.DiagnosticSeverity.Error
    line, col = position_of(text, "wonn")
    assert d.range == T.Range(T.Position(line, col), T.Position(line, col + 4))
    assert d.message.startswith('unknown stage "wonn"')
    assert 'help: did you mean "won"?' in d.message


async def test_same_diagnostics_as_flowc_check(editor: Editor):
    text = SALES.replace("after 15m in office hours", "after 15m in ofice hours") \
                .replace("move to won", "move to wonn")
    diags = await editor.open("sales.flow", text)
    cli = check_json(editor.folder / "sales.flow")
    assert sorted((d.code, d.range.start.line + 1, d.range.start.character + 1) for d in diags) == \
        sorted((c["code"], c["line"], c["column"]) for c in cli)
    assert sorted(d.message.split("\n")[0] for d in diags) == sorted(c["summary"] for c in cli)


async def test_syntax_error(editor: Editor):
    text = SALES.replace('stage lost "Closed lost" failure', 'stage lost "Closed lost" failure }')
    diags = await editor.open("sales.flow", text)
    assert [d.code for d in diags] == ["F003"]
    assert diags[0].message.startswith('unexpected "}"')


async def test_related_information_from_notes(editor: Editor):
    text = SALES.replace('stage lost "Closed lost" failure', 'stage lost "Closed lost" failure\n  stage new')
    diags = await editor.open("sales.flow", text)
    dup = [d for d in diags if d.code == "F101"]
    assert dup, diags
    related = dup[0].related_information
    assert related and related[0].message == "first declared here"
    assert related[0].location.uri == editor.uri("sales.flow")
    assert related[0].location.range.start == T.Position(*position_of(text, "new"))


async def test_utf16_columns_after_non_bmp_characters(editor: Editor):
    # "😀" is two UTF-16 code units; "é" one.  The error is after both.
    text = SALES.replace('robot thanks: move to won',
                         'robot thanks: notify ana "😀 é" if amout > 1')
    diags = await editor.open("sales.flow", text)
    unknown = [d for d in diags if "amout" in d.message]
    assert unknown, diags
    line, col = position_of(text, "amout")
    assert unknown[0].range.start == T.Position(line, col)
    assert unknown[0].range.end == T.Position(line, col + 5)
    # The code-unit column is past the character column: the emoji counts twice.
    assert col == text.split("\n")[line].index("amout") + 1


async def test_edit_that_fixes_the_error_clears_diagnostics(editor: Editor):
    text = SALES.replace("move to won", "move to wonn")
    assert [d.code for d in await editor.open("sales.flow", text)] == ["F104"]
    since = editor.mark()
    line, col = position_of(text, "wonn")
    version = editor.edit("sales.flow", (line, col + 3), (line, col + 4), "")
    assert await editor.published(editor.uri("sales.flow"), since, version) == []


async def test_changes_are_debounced(editor: Editor):
    await editor.open("sales.flow", SALES)
    since = editor.mark()
    for i in range(5):
        editor.change("sales.flow", SALES.replace("move to won", "move to wo" + "n" * (i + 2)))
    last = editor.versions[editor.uri("sales.flow")]
    diags = await editor.published(editor.uri("sales.flow"), since, last)
    assert [d.code for d in diags] == ["F104"]
    await asyncio.sleep(0.6)
    versions = [p.version for p in editor.client.published[since:] if p.uri == editor.uri("sales.flow")]
    assert versions == [last]  # the pending runs were cancelled


async def test_diagnostics_of_used_files(editor: Editor):
    editor.write("common.flow", 'calendar office {\n  hours mon-fri 09:00-18:00\n  timezone "Mars/Olympus"\n}\n')
    main = 'use "common.flow"\n' + SALES.split("calendar office {")[0] + SALES.split("closed 2026-12-24, 2026-12-31\n}\n")[1]
    since = editor.mark()
    await editor.open("main.flow", main)
    common = await editor.published(editor.uri("common.flow"), since)
    # The used file's problem is published for the used file, on its own range.
    assert [d.code for d in common] == ["F206"]
    assert common[0].range.start == T.Position(2, 11)
    # Open the used file and fix it: its diagnostics are cleared, for both roots.
    await editor.open("common.flow", write=False)
    since = editor.mark()
    version = editor.change("common.flow", 'calendar office {\n  hours mon-fri 09:00-18:00\n  timezone "Europe/Lisbon"\n}\n')
    assert await editor.published(editor.uri("common.flow"), since, version) == []
    await asyncio.sleep(0.6)
    last = [p for p in editor.client.published if p.uri == editor.uri("common.flow")][-1]
    assert list(last.diagnostics) == []


async def test_used_file_diagnostics_cleared_when_the_use_goes(editor: Editor):
    editor.write("broken.flow", "calendar x {\n  hours mon-fri 18:00-09:00\n}\n")
    since = editor.mark()
    await editor.open("main.flow", 'use "broken.flow"\n' + SALES)
    assert [d.code for d in await editor.published(editor.uri("broken.flow"), since)] == ["F214"]
    since = editor.mark()
    editor.change("main.flow", SALES)
    assert await editor.published(editor.uri("broken.flow"), since) == []


async def test_close_clears_diagnostics(editor: Editor):
    await editor.open("sales.flow", SALES.replace("move to won", "move to wonn"))
    since = editor.mark()
    editor.close("sales.flow")
    assert await editor.published(editor.uri("sales.flow"), since) == []


async def test_used_file_changed_on_disk(editor: Editor):
    editor.write("broken.flow", "calendar x {\n  hours mon-fri 18:00-09:00\n}\n")
    since = editor.mark()
    await editor.open("main.flow", 'use "broken.flow"\n' + SALES)
    assert [d.code for d in await editor.published(editor.uri("broken.flow"), since)] == ["F214"]
    # Fixed by another program: the client's file watcher says so.
    editor.write("broken.flow", "calendar x {\n  hours mon-fri 09:00-18:00\n}\n")
    since = editor.mark()
    editor.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
        changes=[T.FileEvent(uri=editor.uri("broken.flow"), type=T.FileChangeType.Changed)]))
    assert await editor.published(editor.uri("broken.flow"), since) == []


async def test_suppressions_as_in_flowc_check(editor: Editor):
    """`# flowc: allow CODE` silences a warning in the editor too, and an
    unused one is reported (F009), as `flowc check` does."""
    text = SALES.replace("after 15m in office hours", "after 15m in office hours  # flowc: allow F402")
    diags = await editor.open("sales.flow", text)
    assert [d.code for d in diags] == ["F009"]
    assert [(d.code, d.message.split("\n")[0]) for d in diags] == \
        [(c["code"], c["summary"]) for c in check_json(editor.folder / "sales.flow")]
