// Starts the real `ioc` binary (embedded PostgreSQL in a temporary data dir) and Debian's
// Chromium through playwright-core, and signs in the way people do.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'tests/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
export const TOKEN = 'e2e-ingest-token-0123456789';
export const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-2026', name: 'Nguyễn Văn Quản' };
const BIN = process.env.IOC_BIN || join(ROOT, 'target/debug/ioc');

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

function withoutDatabaseUrl() {
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  delete env.DATABASE_URL; // the server must start its own cluster
  return env;
}

export async function startServer({ demo = false, demoIntervalMs = 1500 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioc-e2e-'));
  chmodSync(dataDir, 0o755); // the embedded cluster runs as an unprivileged user when we are root
  const port = await freePort();
  const args = [
    'serve',
    `--addr=127.0.0.1:${port}`,
    `--data-dir=${dataDir}`,
    `--site-dir=${join(ROOT, 'target/site')}`,
    `--ingest-token=${TOKEN}`,
    `--demo=${demo}`,
    `--demo-interval-ms=${demoIntervalMs}`,
  ];
  const base = `http://127.0.0.1:${port}`;
  let child;

  async function launch() {
    child = spawn(BIN, args, { stdio: ['ignore', 'inherit', 'inherit'], env: withoutDatabaseUrl() });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ioc exited with ${child.exitCode}`);
      try {
        const r = await fetch(`${base}/readyz`);
        if (r.ok) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error('ioc not ready in 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function terminate() {
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  }

  await launch();
  return {
    base,
    dataDir,
    /// The one-time code the server wrote for /setup while no account exists.
    setupCode() {
      return readFileSync(join(dataDir, 'setup-code'), 'utf8').trim();
    },
    /// `ioc admin …` against this server's data directory (works while it runs).
    admin(argv, input = '') {
      return execFileSync(BIN, ['admin', `--data-dir=${dataDir}`, ...argv], { input, env: withoutDatabaseUrl() }).toString().trim();
    },
    async postPoints(points) {
      const r = await fetch(`${base}/api/v1/points`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ points }),
      });
      if (!r.ok) throw new Error(`POST points: ${r.status} ${await r.text()}`);
      return r.json();
    },
    /// Stops the server (SIGTERM) and returns a function that starts it again on the same port
    /// and data directory.
    async stopForRestart() {
      await terminate();
      return launch;
    },
    async stop() {
      await terminate();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/// A browser context of the given size that reports its page errors.
export async function newPage(browser, { width, height, mobile = false }) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile,
    hasTouch: mobile,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { page, context, errors };
}

/// Creates the first administrator through the /setup page, as a new installation's operator does.
export async function setupAdmin(browser, server) {
  const { page, context, errors } = await newPage(browser, { width: 1280, height: 800 });
  await page.goto(`${server.base}/setup?code=${server.setupCode()}`);
  await page.fill('input[name=display_name]', ADMIN.name);
  await page.fill('input[name=username]', ADMIN.username);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL(/\/login/), page.click('button[type=submit]')]);
  await context.close();
  return errors;
}

/// Opens `path` (the wall by default) signed in as the administrator: the page redirects to the
/// sign-in form, which comes back to the wall. Waits until the wall is hydrated and live.
export async function openWall(browser, url, size) {
  const { page, context, errors } = await newPage(browser, size);
  await page.goto(url);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', ADMIN.username);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL(/\/wall/), page.click('form[action^="/auth/login"] button[type=submit]')]);
  await page.waitForSelector('main.wall[data-live="connected"]', { timeout: 30_000 });
  return { page, context, errors };
}

/// The instant a monthly figure of `period` ("YYYY-MM") is published at: the first day of the
/// month at midnight in Vietnam (UTC+7), as the server's `period_ts` writes it.
export function monthTs(period) {
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1) - 7 * 3600 * 1000).toISOString();
}

/// A number as the Vietnamese pages write it: `12.345,6`.
export function fmtVi(value, decimals) {
  const [int, frac] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const negative = value < 0 && /[1-9]/.test(int + (frac ?? ''));
  return `${negative ? '-' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}

/// Creates a person with `roles` (e.g. `['unit_editor:dept-stc']`) through the `ioc admin` CLI,
/// as an operator does from the shell.
export function createUser(server, { username, password, name }, roles, unit) {
  const argv = ['create-user', `--username=${username}`, `--display-name=${name}`, ...roles.map((r) => `--role=${r}`)];
  if (unit) argv.push(`--unit=${unit}`);
  return server.admin(argv, `${password}\n`);
}

/// Opens `path` signed in as `user` (the page sends people to the sign-in form and back), and
/// waits until the hydrated page knows who is there.
export async function signIn(browser, server, user, path, size) {
  const { page, context, errors } = await newPage(browser, size);
  await page.goto(`${server.base}${path}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  const target = path.split('?')[0];
  await Promise.all([page.waitForURL((u) => u.pathname === target), page.click('form[action^="/auth/login"] button[type=submit]')]);
  await page.waitForSelector('.admin-tools .viewer', { state: 'attached', timeout: 30_000 });
  return { page, context, errors };
}
