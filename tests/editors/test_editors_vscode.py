"""The VS Code extension folder (editors/vscode): manifest, language
configuration, snippets, extension.js, and a real `vsce package`."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest

from editors_support import HERE, NODE_MODULES, REPO, TM_GRAMMAR, VSCODE, require

MANIFEST = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def test_manifest():
    m = MANIFEST
    (lang,) = m["contributes"]["languages"]
    assert lang["id"] == "flow" and lang["extensions"] == [".flow"] and lang["aliases"]
    assert (VSCODE / lang["configuration"]).is_file()
    (grammar,) = m["contributes"]["grammars"]
    assert grammar["language"] == "flow" and grammar["scopeName"] == "source.flow"
    assert (VSCODE / grammar["path"]).resolve() == TM_GRAMMAR
    assert json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == "source.flow"
    (snippets,) = m["contributes"]["snippets"]
    assert (VSCODE / snippets["path"]).is_file()
    props = m["contributes"]["configuration"]["properties"]
    assert props["flowc.server.args"]["default"] == ["lsp"]
    assert props["flowc.server.enabled"]["default"] is True
    assert m["main"] in ("./extension.js", "extension.js") and (VSCODE / "extension.js").is_file()
    assert m["engines"]["vscode"].startswith("^1.")
    assert "vscode-languageclient" in m["dependencies"]
    assert m["devDependencies"]["@vscode/vsce"] == "3.9.2"
    assert m["license"] == "MIT" and (VSCODE / "LICENSE").is_file()
    assert m["repository"] and m["publisher"]
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == m["dependencies"]


def test_node_modules_are_not_tracked():
    tracked = subprocess.run(["git", "ls-files", "editors", "tests/editors"], cwd=REPO,
                             capture_output=True, text=True).stdout.split()
    assert not [p for p in tracked if "node_modules/" in p]


def test_language_configuration():
    conf = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert conf["comments"] == {"lineComment": "#"}
    assert ["{", "}"] in conf["brackets"] and ["[", "]"] in conf["brackets"]
    opens = {p["open"]: p["close"] for p in conf["autoClosingPairs"]}
    assert opens['"'] == '"' and opens['"""'] == '"""' and opens["{"] == "}"
    rules = conf["indentationRules"]
    # These are JavaScript regexes; Python's re reads these ones the same way.
    increase, decrease = re.compile(rules["increaseIndentPattern"]), re.compile(rules["decreaseIndentPattern"])
    assert increase.search('  stage new "New" {')
    assert increase.search("robot r: create task \"x\" {   # params")
    assert not increase.search('  robot r: notify responsible "Hi {title}"')
    assert not increase.search("  title: text")
    assert decrease.search("  } after 15m") and not decrease.search("  stage x")


def test_language_configuration_regexes_in_javascript(node):
    """VS Code compiles these with JavaScript's RegExp: check they do compile there."""
    script = r"""
const conf = require(process.argv[1]);
const wp = conf.wordPattern;
const word = new RegExp(wp.pattern, (wp.flags || '') + 'g');
const words = 'robot légal: notify x "a" after 15m at 09:00 at 2026-03-09 if n > 10_000'.match(word);
for (const k of ['increaseIndentPattern', 'decreaseIndentPattern']) new RegExp(conf.indentationRules[k]);
new RegExp(conf.folding.markers.start); new RegExp(conf.folding.markers.end);
console.log(JSON.stringify(words));
"""
    proc = subprocess.run([node, "-e", script, str(VSCODE / "language-configuration.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    words = json.loads(proc.stdout)
    for w in ("légal", "15m", "09:00", "2026-03-09", "10_000", "robot"):
        assert w in words, words


# ---------------------------------------------------------------- snippets

SNIPPETS = json.loads((VSCODE / "snippets" / "flow.json").read_text(encoding="utf-8"))
# Snippets that are not whole files are parsed inside these.
WRAP = {"Stage": "pipeline p for deal {{\n{}\n}}\n"}
CHOICE = re.compile(r"\$\{(\d+)\|((?:[^|\\]|\\.)*)\|\}")


def expand(body: str, pick: dict[str, int]) -> str:
    """The text a snippet inserts when every placeholder keeps its default."""
    text = CHOICE.sub(lambda m: m.group(2).split(",")[pick.get(m.group(1), 0)], body)
    prev = None
    while prev != text:  # placeholders nest: ${5:in ${6:office} hours}
        prev = text
        text = re.sub(r"\$\{\d+:((?:[^${}\\]|\\.)*)\}", r"\1", text)
    text = re.sub(r"\$\d+", "", text)
    return re.sub(r"\\([$}\\])", r"\1", text)


def variants(body: str):
    """The snippet with its defaults, then with each other option of each choice."""
    yield {}
    for m in CHOICE.finditer(body):
        for i in range(1, len(m.group(2).split(","))):
            yield {m.group(1): i}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_expands_to_valid_flow(name):
    from flowc.diagnostics import Diagnostics
    from flowc.parse import parse

    snippet = SNIPPETS[name]
    assert snippet["prefix"] and snippet["description"]
    body = "\n".join(snippet["body"])
    for pick in variants(body):
        text = WRAP.get(name, "{}\n").format(expand(body, pick))
        diags = Diagnostics()
        parse(text, f"<snippet {name}>", diags)
        assert not list(diags), f"snippet {name!r} {pick} gives:\n{text}\n{[str(d) for d in diags]}"


def test_snippets_cover_the_main_blocks():
    prefixes = {s["prefix"] for s in SNIPPETS.values()}
    assert {"pipeline", "stage", "robot", "trigger", "calendar", "entity", "scenario"} <= prefixes
    scenario = "\n".join(SNIPPETS["Scenario"]["body"])
    assert all(w in scenario for w in ("record", " at ", "expect"))


# ---------------------------------------------------------------- extension.js

def test_extension_starts_the_server_only_when_found(node):
    proc = subprocess.run([node, str(HERE / "extension_smoke.js")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    runs = {r["name"]: r for r in out["results"]}
    for name, setting in (("missing", "virtual environment"), ("bad-path", "flowc.serverPath")):
        r = runs[name]
        assert len(r["warnings"]) == 1 and r["clients"] == [], r
        warning = r["warnings"][0]
        # What works: flowc comes from its source folder, not from PyPI.
        assert setting in warning and "pip install '/path/to/flowc[lsp]'" in warning
        assert "pip install 'flowc[lsp]'" not in warning
    assert runs["disabled"] == {**runs["disabled"], "warnings": [], "clients": []}
    for name, exe, args in (("found", "exe", ["lsp"]), ("by-path", "exe", ["lsp", "--stdio"]),
                            ("relative", "venvExe", ["lsp"]), ("venv", "venvExe", ["lsp"]),
                            ("untrusted", "exe", ["lsp"]), ("active-venv", "activeExe", ["lsp"])):
        r = runs[name]
        assert r["warnings"] == [] and r["started"] == 1 and r["stopped"] == 1, r
        (client,) = r["clients"]
        assert client["server"]["command"] == out[exe] and client["server"]["args"] == args, name
        assert {"scheme": "file", "language": "flow"} in client["selector"]


def test_server_path_setting_is_restricted_in_untrusted_workspaces():
    props = MANIFEST["contributes"]["configuration"]["properties"]
    assert props["flowc.serverPath"]["default"] == ""
    assert "flowc.server.command" not in props
    untrusted = MANIFEST["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited" and untrusted["restrictedConfigurations"] == ["flowc.serverPath"]


def test_no_advice_to_install_flowc_from_pypi():
    """flowc is installed from its source folder: `pip install 'flowc[lsp]'`
    would look for it on PyPI."""
    files = [VSCODE / "package.json", VSCODE / "extension.js", VSCODE / "README.md", REPO / "editors" / "README.md",
             REPO / "README.md", REPO / "src" / "flowc" / "commands" / "lsp.py"]
    offenders = [f.name for f in files if re.search(r"install\s+['\"]?flowc\[", f.read_text(encoding="utf-8"))]
    assert not offenders


# ---------------------------------------------------------------- vsce

def test_vsce_package(node, tmp_path):
    """`vsce package` builds a .vsix with the manifest, the grammar and the client library.

    vsce packs the extension's production dependencies, so they are installed
    first (from its package-lock.json, in a copy of the folder; npm's cache,
    filled by `npm ci --prefix tests/editors`, has them)."""
    npm = shutil.which("npm")
    require(npm, "npm is not installed: it installs the extension's dependencies before vsce packs them")
    vsce = NODE_MODULES / ".bin" / "vsce"
    require(vsce.exists(), "tests/editors/node_modules/.bin/vsce is missing: run `npm ci --prefix tests/editors`")
    ext = tmp_path / "vscode"
    shutil.copytree(VSCODE, ext, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    proc = subprocess.run([npm, "ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund",
                           "--loglevel=error"], cwd=ext, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "flow.vsix"
    proc = subprocess.run([str(vsce), "package", "--out", str(out)], cwd=ext, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        packed = json.loads(z.read("extension/package.json"))
        grammar = json.loads(z.read("extension/syntaxes/flow.tmLanguage.json"))
    assert packed["name"] == MANIFEST["name"] and packed["version"] == MANIFEST["version"]
    assert grammar == json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    for needed in ("extension/extension.js", "extension/language-configuration.json",
                   "extension/snippets/flow.json", "extension/LICENSE.txt",
                   "extension/node_modules/vscode-languageclient/node.js",
                   "extension/node_modules/vscode-languageclient/package.json"):
        assert needed in names, sorted(names)[:40]
    assert "extension/syntaxes/generate.py" not in names
    assert not any(n.endswith(".map") for n in names)


def test_generated_files_are_ignored():
    """node_modules and built .vsix files never get committed."""
    ignored = subprocess.run(
        ["git", "check-ignore", "editors/vscode/node_modules/x", "editors/vscode/flow-0.1.0.vsix",
         "tests/editors/node_modules/x"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert len(ignored) == 3, ignored
