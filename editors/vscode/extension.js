// VS Code extension for .flow files (flowc).
//
// Highlighting, brackets, comments and snippets are declarative (package.json,
// syntaxes/, snippets/, language-configuration.json) and work on their own.
// This file only starts the flowc language server, `flowc lsp`, over stdio
// when flowc can be found (the flowc.serverPath setting, the workspace's
// virtual environment, PATH); otherwise it says so once and stays quiet.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;
let warned = false;
let output;

function settings() {
  const cfg = vscode.workspace.getConfiguration('flowc');
  return {
    enabled: cfg.get('server.enabled', true),
    serverPath: (cfg.get('serverPath', '') || '').trim(),
    args: cfg.get('server.args', ['lsp']),
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

function workspaceFolders() {
  return (vscode.workspace.workspaceFolders || []).map((f) => f.uri.fsPath);
}

/** The executable file names of `name` on this platform. */
function executableNames(name, env) {
  if (process.platform !== 'win32') return [name];
  const exts = (env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return [name, ...exts.map((e) => name + e)];
}

/** Where a virtual environment keeps its commands. */
const VENV_BIN = process.platform === 'win32' ? 'Scripts' : 'bin';
/** The virtual environments of a workspace folder that are looked into, in order. */
const VENV_DIRS = ['.venv', 'venv', 'env'];

/**
 * Where the flowc language server is looked for, in order, as
 * [file, where it came from]:
 *  1. the `flowc.serverPath` setting (`~` and `${workspaceFolder}` expanded,
 *     a relative path taken from the first workspace folder);
 *  2. the virtual environment of each workspace folder (.venv, venv, env),
 *     in a trusted workspace only;
 *  3. the active virtual environment (VIRTUAL_ENV);
 *  4. `flowc` on PATH.
 */
function candidates(serverPath, env = process.env) {
  const folders = workspaceFolders();
  const out = [];
  if (serverPath) {
    let p = serverPath.replace(/^~(?=$|[\\/])/, os.homedir());
    p = p.replace(/\$\{workspaceFolder\}/g, folders[0] || process.cwd());
    const full = path.isAbsolute(p) ? p : path.resolve(folders[0] || process.cwd(), p);
    return executableNames(full, env).map((f) => [f, 'the flowc.serverPath setting']);
  }
  // A workspace's own files run only once the user trusts the workspace.
  const trusted = vscode.workspace.isTrusted !== false;
  for (const folder of trusted ? folders : []) {
    for (const venv of VENV_DIRS) {
      for (const f of executableNames(path.join(folder, venv, VENV_BIN, 'flowc'), env)) {
        out.push([f, `the workspace's virtual environment ${venv}`]);
      }
    }
  }
  if (env.VIRTUAL_ENV) {
    for (const f of executableNames(path.join(env.VIRTUAL_ENV, VENV_BIN, 'flowc'), env)) {
      out.push([f, 'the active virtual environment']);
    }
  }
  for (const dir of (env.PATH || '').split(path.delimiter).filter(Boolean)) {
    for (const f of executableNames(path.join(dir, 'flowc'), env)) out.push([f, 'PATH']);
  }
  return out;
}

/** The flowc executable to run, or undefined. */
function findServer(serverPath, env = process.env) {
  const found = candidates(serverPath, env).find(([f]) => isExecutable(f));
  return found ? found[0] : undefined;
}

const INSTALL_HELP =
  'flowc is installed from its source folder, with the language server extra, into the ' +
  "workspace's virtual environment: python -m pip install '/path/to/flowc[lsp]' " +
  '(from the venv: .venv/bin/python). Or set flowc.serverPath to a flowc executable.';

async function start(context) {
  const { enabled, serverPath, args } = settings();
  if (!enabled || client) return;
  const executable = findServer(serverPath);
  if (!executable) {
    if (!warned) {
      warned = true;
      const where = serverPath
        ? `flowc.serverPath is "${serverPath}", which is not an executable file`
        : "flowc was found neither in the workspace's virtual environment (.venv, venv, env), " +
          'nor in the active one, nor on PATH';
      vscode.window.showWarningMessage(
        `Flow: ${where}, so there are no diagnostics or completions (highlighting still works). ` +
        INSTALL_HELP);
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
    if (e.affectsConfiguration('flowc.server') || e.affectsConfiguration('flowc.serverPath')) {
      warned = false;
      await stop();
      await start(context);
    }
  }));
  if (vscode.workspace.onDidGrantWorkspaceTrust) {
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      warned = false;
      await stop();
      await start(context);
    }));
  }
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, findServer, candidates };
