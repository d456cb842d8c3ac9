#!/usr/bin/env node
// Tokenize .flow files with the TextMate grammar of the VS Code extension,
// using the engine VS Code itself uses (vscode-textmate + the Oniguruma wasm).
//
//   node tests/editors/tokenize.js FILE...          one line per token:
//                                                    LINE:COL-COL scope scope... "text"
//   node tests/editors/tokenize.js --json FILE...   {"FILE": [[line, start, end, [scopes], text], ...]}
//
// Lines are 1-based; columns count characters (code points, not UTF-16
// units), 1-based and inclusive. The root scope
// (source.flow) and tokens that are only whitespace outside any scope are left
// out. One process tokenizes every file given, so the tests start node once.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.resolve(__dirname, '..', '..', 'editors', 'vscode', 'syntaxes', 'flow.tmLanguage.json');
const ROOT = 'source.flow';

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== ROOT) return null;
      const text = fs.readFileSync(GRAMMAR, 'utf8');
      return vsctm.parseRawGrammar(text, GRAMMAR);
    },
  });
  const grammar = await registry.loadGrammar(ROOT);
  if (!grammar) throw new Error(`cannot load ${GRAMMAR}`);
  return grammar;
}

function codePoints(s) {
  let n = 0;
  for (const _ of s) n += 1; // eslint-disable-line no-unused-vars
  return n;
}

function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const s = t.startIndex;
      const e = Math.min(t.endIndex, line.length);
      if (e <= s) continue;
      const piece = line.slice(s, e);
      const scopes = t.scopes.filter((x) => x !== ROOT);
      if (scopes.length === 0 && piece.trim() === '') continue;
      const col = codePoints(line.slice(0, s));
      out.push([i + 1, col + 1, col + codePoints(piece), scopes, piece]);
    }
    stack = r.ruleStack;
  });
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const json = args[0] === '--json';
  const files = json ? args.slice(1) : args;
  if (files.length === 0) {
    process.stderr.write('usage: tokenize.js [--json] FILE...\n');
    process.exit(2);
  }
  const grammar = await loadGrammar();
  const result = {};
  for (const f of files) result[f] = tokenize(grammar, fs.readFileSync(f, 'utf8'));
  if (json) {
    process.stdout.write(JSON.stringify(result));
    return;
  }
  for (const f of files) {
    if (files.length > 1) process.stdout.write(`== ${f}\n`);
    for (const [l, s, e, scopes, text] of result[f]) {
      process.stdout.write(`${l}:${s}-${e} ${scopes.join(' ') || '-'} ${JSON.stringify(text)}\n`);
    }
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
