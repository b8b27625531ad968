// Starts the real server binary on a free port with a fresh database, and a headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

export async function startServer(env = {}) {
  const bin = process.env.DESKFOLIO_BIN || join(root, 'target', 'debug', 'deskfolio');
  if (!existsSync(bin)) throw new Error(`server binary not found at ${bin}: build it with cargo leptos build`);
  const siteRoot = process.env.LEPTOS_SITE_ROOT || join(root, 'target', 'site');
  const dir = mkdtempSync(join(tmpdir(), 'deskfolio-e2e-'));
  const port = await freePort();
  let databaseUrl = `sqlite://${join(dir, 'e2e.db')}`;
  let schema = null;
  if (process.env.E2E_BACKEND === 'postgres') {
    // A fresh schema per server, like the Rust suite.
    const base = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
    schema = `e2e_${process.pid}_${port}`;
    execFileSync('psql', [base, '-qc', `CREATE SCHEMA ${schema}`]);
    databaseUrl = `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  }
  const child = spawn(bin, [], {
    cwd: root,
    env: {
      ...process.env,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    base,
    url: (sub, path = '/') => `http://${sub ? sub + '.' : ''}localhost:${port}${path}`,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
      if (schema) {
        const base = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
        execFileSync('psql', [base, '-qc', `DROP SCHEMA ${schema} CASCADE`]);
      }
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/// Waits until the wasm bundle has hydrated the page.
export async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 20_000 });
}

/// Starts one server and one browser for a test file (and stops them after it).
export function withServerAndBrowser(env = {}) {
  const ctx = {};
  before(async () => {
    ctx.server = await startServer(env);
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

/// POSTs a form from inside the page (its host, cookies and Origin), as the app's own calls do.
/// Node's resolver does not know `*.localhost`, so requests go through the browser.
export async function postForm(page, path, fields = {}) {
  return page.evaluate(async ({ path, fields }) => {
    const res = await fetch(path, { method: 'POST', body: new URLSearchParams(fields) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text };
  }, { path, fields });
}

/// GETs an address of the page's own host from inside the page.
export async function getFromPage(page, path) {
  return page.evaluate(async (path) => {
    const res = await fetch(path);
    return { status: res.status, contentType: res.headers.get('content-type') };
  }, path);
}

/// Opens `url` and logs in as its owner from the Start menu's Log in window.
export async function logInAsOwner(page, url, password) {
  await page.goto(url);
  await hydrated(page);
  await page.locator('.start-button').click();
  await page.getByRole('menuitem', { name: /Log in/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Log in' });
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Owner mode' }).waitFor();
  await hydrated(page);
}
