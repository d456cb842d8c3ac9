// The browser side of the browser tests: one headless Chromium (Debian's,
// driven by playwright-core) runs a list of jobs and prints what it saw as
// JSON.  Usage: node browser.js JOBS.json  (the result goes to stdout).
//
// A job is one of:
//   {"kind": "page", "file": "/abs/report.html", "screenshot": "/abs/shot.png",
//    "queries": {"lanes": ".lane", ...}, "hover": ".mark"}
//     loads a local page; reports console errors, page errors, every request
//     that is not the file itself or a data: URL (a self-contained page makes
//     none), and for each query the number of matching elements with the
//     text and title of the first ones; optionally hovers the first element
//     matching `hover` and reports the tooltip text shown then.
//   {"kind": "mermaid", "id": "sales", "text": "flowchart LR ...", "screenshot": "/abs/x.png"}
//     renders Mermaid text with the mermaid package in the page; reports an
//     error (a syntax error, an unknown style) or the numbers of nodes, links
//     and clusters drawn.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.FLOWC_CHROMIUM || '/usr/bin/chromium';
// As the machine notes say Debian's Chromium runs headless here: no sandbox
// as root, no GPU, and none of the background connections a closed network
// refuses.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

async function page(browser, job) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const p = await context.newPage();
  const out = { kind: 'page', file: job.file, console_errors: [], page_errors: [], requests: [], queries: {} };
  p.on('console', (m) => { if (m.type() === 'error') out.console_errors.push(m.text()); });
  p.on('pageerror', (e) => out.page_errors.push(String(e)));
  const self = 'file://' + path.resolve(job.file);
  p.on('request', (r) => {
    const url = r.url();
    if (url !== self && !url.startsWith('data:')) out.requests.push(url);
  });
  await p.goto(self, { waitUntil: 'load' });
  for (const [name, selector] of Object.entries(job.queries || {})) {
    out.queries[name] = await p.$$eval(selector, (els) => ({
      count: els.length,
      texts: els.slice(0, 8).map((e) => (e.textContent || '').trim()),
      titles: els.slice(0, 8).map((e) => {
        const t = e.querySelector(':scope > title');
        return t ? t.textContent : (e.getAttribute('title') || e.getAttribute('data-tip') || '');
      }),
    }));
  }
  if (job.hover) {
    const el = await p.$(job.hover);
    if (el) {
      await el.hover();
      await p.waitForTimeout(100);
      out.hover = await p.evaluate(() => {
        const tip = document.querySelector('#tip');
        return tip && getComputedStyle(tip).display !== 'none' ? tip.textContent : '';
      });
    }
  }
  if (job.screenshot) await p.screenshot({ path: job.screenshot, fullPage: true });
  await context.close();
  return out;
}

async function mermaid(browser, job) {
  const context = await browser.newContext({ viewport: { width: 2000, height: 1200 } });
  const p = await context.newPage();
  const out = { kind: 'mermaid', id: job.id, console_errors: [], page_errors: [] };
  p.on('console', (m) => { if (m.type() === 'error') out.console_errors.push(m.text()); });
  p.on('pageerror', (e) => out.page_errors.push(String(e)));
  await p.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await p.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  const result = await p.evaluate(async (text) => {
    // GitHub renders Mermaid with its strict security level: so do we.
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    try {
      const { svg } = await window.mermaid.render('graph', text);
      document.getElementById('out').innerHTML = svg;
      const root = document.querySelector('#out svg');
      return {
        ok: true,
        nodes: root.querySelectorAll('g.node').length,
        links: root.querySelectorAll('path.flowchart-link').length,
        link_styles: Array.from(root.querySelectorAll('path.flowchart-link')).map((l) => l.getAttribute('style') || ''),
        clusters: root.querySelectorAll('g.cluster').length,
        labels: Array.from(root.querySelectorAll('g.node')).map((n) => n.textContent.trim()),
      };
    } catch (e) {
      return { ok: false, error: String(e && e.message || e) };
    }
  }, job.text);
  Object.assign(out, result);
  if (job.screenshot && result.ok) {
    const svg = await p.$('#out svg');
    await svg.screenshot({ path: job.screenshot });
  }
  await context.close();
  return out;
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const browser = await chromium.launch({ executablePath: EXECUTABLE, args: ARGS, headless: true });
  const results = [];
  try {
    for (const job of jobs) {
      results.push(job.kind === 'mermaid' ? await mermaid(browser, job) : await page(browser, job));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
