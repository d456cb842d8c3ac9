"""Language-server rows (P7 of issue 9): the time from an edit to the
diagnostics of the edited document, in a 1 MB project: one 1 MB file, and a
small file that `use`s ten files of 100 KB.  What the server does on an edit
(`flowc.lsp.server.FlowServer.run`): a new `Analysis` of the document with the
open buffers as overrides, then its diagnostics.  An absolute time (the
target is the editor's), median of edits that change one robot each time."""
from __future__ import annotations

import os
import statistics
import tempfile

from .inputs import generate, generate_files, stages_for
from .measure import Row, cpu

MB = 1_000_000


def _edits(text: str, marker: str, n: int) -> list[str]:
    """`n` versions of `text`, each with one robot's delay changed."""
    at = text.index(marker, len(text) // 2)
    return [text[:at] + marker.replace("after 1m", f"after {k + 2}m") + text[at + len(marker):] for k in range(n)]


def rows(quick: bool) -> list:
    from ..lsp.model import Analysis

    size = MB // 4 if quick else MB
    n = 3 if quick else 7
    marker = "after 1m in office hours"
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one.flow")
        text = generate(stages_for(size))
        with open(one, "w", encoding="utf-8") as f:
            f.write(text)
        folder = os.path.join(tmp, "many")
        os.mkdir(folder)
        files = generate_files(stages_for(size), 10)
        for name, body in files.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(body)
        main = os.path.join(folder, "main.flow")
        part = os.path.join(folder, "part5.flow")
        cases = (("one file", one, one, text), ("a file of 11", main, part, files["part5.flow"]))
        for label, root, edited, body in cases:
            versions = _edits(body, marker, n + 1)

            def analyse(new: str) -> None:
                overrides = {edited: new}
                doc = overrides.get(root) or open(root, encoding="utf-8").read()
                Analysis(root, doc, 1, overrides).diagnostics()

            analyse(versions[0])  # the document as opened
            times = [cpu(lambda: analyse(v)) for v in versions[1:]]
            t = statistics.median(times)
            out.append(Row("P7", f"lsp: diagnostics after an edit, {size / MB:g} MB, {label}", t, 0.3,
                           f"median of {len(times)} edits", unit="s"))
    return out
