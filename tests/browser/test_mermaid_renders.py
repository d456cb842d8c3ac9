"""The Mermaid text of `flowc graph` renders in a real Mermaid (the npm
package, in headless Chromium, with GitHub's strict security level): every
example and the loops case, with every stage, trigger and link drawn."""
from __future__ import annotations

from click.testing import CliRunner

from flowc.cli import main
from support import EXAMPLES, ROOT

CASES = sorted(EXAMPLES.glob("*.flow")) + [ROOT / "tests" / "check" / "cases" / "F403_loop.flow"]


def test_every_graph_renders(browser, artifacts):
    texts = {}
    for path in CASES:
        result = CliRunner().invoke(main, ["graph", str(path)])
        assert result.exit_code == 0, result.output
        texts[path.stem] = result.stdout
    jobs = [{"kind": "mermaid", "id": name, "text": text,
             "screenshot": str(artifacts / f"graph-{name}.mermaid.png")} for name, text in texts.items()]
    seen_all = dict(zip(texts, browser(jobs)))
    for name, seen in seen_all.items():
        text = texts[name]
        assert seen["ok"], f"{name}: {seen.get('error')}"
        assert not seen["console_errors"] and not seen["page_errors"], seen
        lines = [line.strip() for line in text.splitlines()]
        boxes = [line for line in lines if line.endswith(('"]', '"])')) and not line.startswith("subgraph")]
        assert seen["nodes"] == len(boxes), name
        assert seen["clusters"] == sum(1 for line in lines if line.startswith("subgraph ")), name
        drawn = [line for line in lines if any(a in line for a in (" --> ", " ==>", " -.->"))]
        assert seen["links"] == len(drawn), name  # the order links (~~~) are invisible
    # The links of the three loops are red, and only they.
    red = [style for style in seen_all["F403_loop"]["link_styles"] if "d32f2f" in style.lower()]
    assert len(red) == 5
    labels = seen_all["sales"]["labels"]
    assert "Contract approval" in labels[1] and "legal: notify supervisor" in labels[1]
    assert "allow back" not in " ".join(labels) and "order paid" in labels
