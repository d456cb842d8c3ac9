#!/usr/bin/env node
// Loads editors/vscode/extension.js with a fake `vscode` module and a fake
// language client, and reports what it did in three situations (as JSON):
//   missing:  the server command is not on PATH -> one warning, no client
//   disabled: flowc.server.enabled = false     -> nothing at all
//   found:    an executable `flowc` on PATH     -> a client on stdio, started, then stopped
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const EXTENSION = path.resolve(__dirname, '..', '..', 'editors', 'vscode', 'extension.js');

async function run(name, config, env) {
  const log = { name, warnings: [], clients: [], started: 0, stopped: 0 };
  const vscode = {
    workspace: {
      workspaceFolders: [],
      getConfiguration: () => ({ get: (key, dflt) => (key in config ? config[key] : dflt) }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      createFileSystemWatcher: () => ({ dispose() {} }),
    },
    window: {
      showWarningMessage: (msg) => { log.warnings.push(msg); },
      createOutputChannel: () => ({ appendLine() {}, dispose() {} }),
    },
  };
  class LanguageClient {
    constructor(id, label, server, client) {
      log.clients.push({ id, server, selector: client.documentSelector });
    }
    async start() { log.started += 1; }
    async stop() { log.stopped += 1; }
  }
  const fakes = {
    vscode,
    'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0 } },
  };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request in fakes) return fakes[request];
    return load.call(this, request, ...rest);
  };
  const savedPath = process.env.PATH;
  process.env.PATH = env.PATH;
  delete require.cache[EXTENSION];
  try {
    const ext = require(EXTENSION);
    const context = { subscriptions: [] };
    await ext.activate(context);
    await ext.activate(context); // a second activation warns no more
    await ext.deactivate();
    return log;
  } finally {
    Module._load = load;
    process.env.PATH = savedPath;
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowc-ext-'));
  const exe = path.join(dir, 'flowc');
  fs.writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(exe, 0o755);
  const results = [];
  results.push(await run('missing', {}, { PATH: path.join(dir, 'nowhere') }));
  results.push(await run('disabled', { enabled: false }, { PATH: dir }));
  results.push(await run('found', {}, { PATH: dir }));
  results.push(await run('by-path', { command: exe, args: ['lsp', '--stdio'] }, { PATH: '' }));
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ exe, results }));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
