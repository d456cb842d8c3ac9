// VS Code extension for .flow files (flowc).
//
// Highlighting, brackets, comments and snippets are declarative (package.json,
// syntaxes/, snippets/, language-configuration.json) and work on their own.
// This file only starts the flowc language server, `flowc lsp`, over stdio
// when the command can be found; otherwise it says so once and stays quiet.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;
let warned = false;
let output;

function settings() {
  const cfg = vscode.workspace.getConfiguration('flowc.server');
  return {
    enabled: cfg.get('enabled', true),
    command: cfg.get('command', 'flowc') || 'flowc',
    args: cfg.get('args', ['lsp']),
  };
}

function isExecutable(file) {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The full path of `command`: itself when it is a path (relative paths are
 * taken from the first workspace folder), else the first match on PATH.
 */
function findCommand(command, env = process.env) {
  const exts = process.platform === 'win32'
    ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  if (command.includes('/') || command.includes('\\')) {
    const folders = vscode.workspace.workspaceFolders || [];
    const base = folders.length ? folders[0].uri.fsPath : process.cwd();
    const full = path.isAbsolute(command) ? command : path.resolve(base, command);
    return exts.map((e) => full + e).find(isExecutable);
  }
  for (const dir of (env.PATH || '').split(path.delimiter).filter(Boolean)) {
    const found = exts.map((e) => path.join(dir, command + e)).find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

async function start(context) {
  const { enabled, command, args } = settings();
  if (!enabled || client) return;
  const executable = findCommand(command);
  if (!executable) {
    if (!warned) {
      warned = true;
      vscode.window.showWarningMessage(
        `Flow: the language server command "${command}" was not found, so there are no ` +
        "diagnostics or completions (highlighting still works). Install it with " +
        "`pip install 'flowc[lsp]'`, or set flowc.server.command.");
    }
    return;
  }
  // Loaded only here, so that highlighting never depends on it.
  const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
  output = output || vscode.window.createOutputChannel('Flow language server');
  client = new LanguageClient(
    'flowc',
    'Flow language server',
    { command: executable, args, transport: TransportKind.stdio },
    {
      documentSelector: [
        { scheme: 'file', language: 'flow' },
        { scheme: 'untitled', language: 'flow' },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.flow') },
      outputChannel: output,
    },
  );
  try {
    await client.start();
  } catch (err) {
    vscode.window.showWarningMessage(`Flow: the language server "${executable}" did not start: ${err.message || err}`);
    client = undefined;
  }
}

async function stop() {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // already gone
    }
  }
}

async function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration('flowc.server')) {
      warned = false;
      await stop();
      await start(context);
    }
  }));
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, findCommand };
