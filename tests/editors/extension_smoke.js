#!/usr/bin/env node
// Loads editors/vscode/extension.js with a fake `vscode` module and a fake
// language client, and reports what it did in these situations (as JSON):
//   missing:     flowc nowhere                        -> one warning, no client
//   disabled:    flowc.server.enabled = false         -> nothing at all
//   found:       an executable `flowc` on PATH        -> a client on stdio, started, then stopped
//   by-path:     flowc.serverPath, absolute           -> that one, with flowc.server.args
//   relative:    flowc.serverPath, relative           -> from the first workspace folder
//   bad-path:    flowc.serverPath to nothing          -> one warning naming the setting
//   venv:        the workspace's .venv/bin/flowc      -> before the one on PATH
//   untrusted:   the same, in an untrusted workspace  -> the one on PATH
//   active-venv: VIRTUAL_ENV/bin/flowc                -> before the one on PATH
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const EXTENSION = path.resolve(__dirname, '..', '..', 'editors', 'vscode', 'extension.js');

async function run(name, config, env, folders = [], trusted = true) {
  const log = { name, warnings: [], clients: [], started: 0, stopped: 0 };
  const vscode = {
    workspace: {
      workspaceFolders: folders.map((f) => ({ uri: { fsPath: f } })),
      isTrusted: trusted,
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
  const savedVenv = process.env.VIRTUAL_ENV;
  process.env.PATH = env.PATH;
  if (env.VIRTUAL_ENV) process.env.VIRTUAL_ENV = env.VIRTUAL_ENV;
  else delete process.env.VIRTUAL_ENV;
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
    if (savedVenv === undefined) delete process.env.VIRTUAL_ENV;
    else process.env.VIRTUAL_ENV = savedVenv;
  }
}

function executable(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, 0o755);
  return file;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowc-ext-'));
  const exe = executable(path.join(dir, 'bin', 'flowc'));
  const workspace = path.join(dir, 'project');
  const venvExe = executable(path.join(workspace, '.venv', 'bin', 'flowc'));
  const activeExe = executable(path.join(dir, 'active', 'bin', 'flowc'));
  const onPath = { PATH: path.join(dir, 'bin') };
  const results = [];
  results.push(await run('missing', {}, { PATH: path.join(dir, 'nowhere') }));
  results.push(await run('disabled', { 'server.enabled': false }, onPath));
  results.push(await run('found', {}, onPath));
  results.push(await run('by-path', { serverPath: exe, 'server.args': ['lsp', '--stdio'] }, { PATH: '' }));
  results.push(await run('relative', { serverPath: '.venv/bin/flowc' }, { PATH: '' }, [workspace]));
  results.push(await run('bad-path', { serverPath: 'no/such/flowc' }, onPath, [workspace]));
  results.push(await run('venv', {}, onPath, [path.join(dir, 'empty'), workspace]));
  results.push(await run('untrusted', {}, onPath, [workspace], false));
  results.push(await run('active-venv', {}, { ...onPath, VIRTUAL_ENV: path.join(dir, 'active') }));
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ exe, venvExe, activeExe, results }));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
