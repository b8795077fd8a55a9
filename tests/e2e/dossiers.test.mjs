// The dossier wall in a real browser: the demo simulator fills it (a month of history, then new
// dossiers every second); the page is server-rendered, hydrated and live over the WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true, demoIntervalMs: 1000 });
  browser = await launchBrowser();
  assert.deepEqual(await setupAdmin(browser, server), [], 'setup page without errors');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const counter = (page, name) =>
  page.locator(`[data-counter="${name}"]`).getAttribute('data-value').then(Number);

/// Opens the dossier wall and waits until the simulator's history is on it.
async function openDossiers(size, path = '/wall/dossiers') {
  const opened = await openWall(browser, `${server.base}${path}`, size);
  await opened.page.waitForFunction(
    () => Number(document.querySelector('[data-counter="in-progress"]')?.getAttribute('data-value')) > 0
      && document.querySelectorAll('.departments .rank-row').length > 0
      // The month's outcomes once the history is in (the first boards may come before).
      && /\d/.test(document.querySelector('[data-counter="on-time"] .gauge-value')?.textContent ?? ''),
    null,
    { timeout: 90_000 },
  );
  return opened;
}

test('the province wall shows counters, gauges, the 766 radar, rankings and the commune grid, live', async () => {
  const { page, context, errors } = await openDossiers({ width: 1920, height: 1080 });
  assert.equal(await page.locator('h1').textContent(), 'Hồ sơ thủ tục hành chính');
  assert.match(await page.locator('.demo-badge').textContent(), /DỮ LIỆU MẪU/, 'demo data is said so');

  // Counters: Vietnamese numbers, the value the attribute carries.
  for (const name of ['received', 'in-progress', 'overdue', 'late']) {
    const value = await counter(page, name);
    assert.ok(Number.isInteger(value) && value >= 0, `${name}: ${value}`);
    const shown = await page.locator(`[data-counter="${name}"] .counter-value`).textContent();
    assert.equal(shown.replace(/\./g, ''), String(value), `${name} is shown in Vietnamese style`);
  }
  assert.ok((await counter(page, 'in-progress')) > 0);
  // Gauges of the month: a percentage with a decimal comma and an arc drawn to it.
  for (const name of ['on-time', 'online']) {
    assert.match(await page.locator(`[data-counter="${name}"] .gauge-value`).textContent(), /^\d{1,3},\d%$/);
    const dash = await page.locator(`[data-counter="${name}"] .gauge-fill`).getAttribute('stroke-dasharray');
    assert.ok(parseFloat(dash) > 0, `${name} arc ${dash}`);
  }

  // The 766 index: total with its band, a radar of six groups inside its frame.
  assert.match(await page.locator('.index-value').textContent(), /^\d{1,3},\d$/);
  assert.ok((await page.locator('.index-band').textContent()).trim().length > 0);
  const radar = (await page.locator('.radar-shape').getAttribute('points')).trim().split(/\s+/);
  assert.equal(radar.length, 6, 'six groups');
  for (const p of radar) {
    const [x, y] = p.split(',').map(Number);
    assert.ok(Math.hypot(x - 50, y - 50) <= 36.01, `point ${p} inside the radar`);
  }
  assert.equal(await page.locator('.radar-legend li').count(), 6);

  // Rankings: departments best first; communes' leaders and trailers.
  const totals = await page.locator('.departments .rank-total').allTextContents();
  const numbers = totals.map((t) => Number(t.replace(',', '.')));
  assert.ok(numbers.length >= 5, `${numbers.length} departments ranked`);
  assert.deepEqual([...numbers].sort((a, b) => b - a), numbers, 'best index first');
  assert.equal(await page.locator('.communes-rank .rank-list').count(), 2);

  // The commune grid: every commune of Nghệ An, coloured by its overdue count.
  const tiles = page.locator('.tiles-grid .commune');
  assert.equal(await tiles.count(), 130);
  const heat = await tiles.evaluateAll((els) => els.map((e) => [Number(e.dataset.overdue), e.className]));
  for (const [n, cls] of heat) {
    const want = n <= 0 ? 'heat-0' : n === 1 ? 'heat-1' : n <= 4 ? 'heat-2' : n <= 9 ? 'heat-3' : 'heat-4';
    assert.ok(cls.includes(want), `${n} overdue → ${cls}`);
  }

  // Live: the simulator's next dossiers change a counter without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  const before = await page.locator('.counters').evaluate((el) =>
    [...el.querySelectorAll('[data-counter][data-value]')].map((c) => c.dataset.value).join('/'));
  await page.waitForFunction(
    (b) => [...document.querySelectorAll('.counters [data-counter][data-value]')].map((c) => c.dataset.value).join('/') !== b,
    before,
    { timeout: 30_000 },
  );
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');

  await page.waitForTimeout(1300); // let the update flash fade for the screenshot
  await page.screenshot({ path: join(ARTIFACTS, 'dossiers-1920x1080.png') });
  assert.deepEqual(errors, [], 'no errors in the browser console');
  await context.close();
});

test('the dossier wall at 4K and on a phone', async () => {
  for (const [name, size] of [
    ['dossiers-3840x2160.png', { width: 3840, height: 2160 }],
    ['dossiers-390x844.png', { width: 390, height: 844, mobile: true }],
  ]) {
    const { page, context, errors } = await openDossiers(size);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: horizontal overflow of ${overflow}px`);
    const font = await page.locator('[data-counter="received"] .counter-value').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(font >= (size.width >= 3840 ? 90 : 30), `${name}: counter font ${font}px is legible`);
    const tileFont = await page.locator('.commune-name').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(tileFont >= (size.width >= 3840 ? 22 : 11), `${name}: commune names ${tileFont}px`);
    if (size.width >= 1920) {
      // The wall fits its screen: nothing to scroll on an unattended display.
      const tall = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
      assert.ok(tall <= 0, `${name}: ${tall}px below the screen`);
    }
    await page.waitForTimeout(1300);
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: size.mobile === true });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a department and a commune open their page: board, 766 explained, dossiers', async () => {
  const { page, context, errors } = await openDossiers({ width: 1920, height: 1080 });
  // A department from the ranking (a navigation inside the page).
  const first = page.locator('.departments .rank-row').first();
  const unit = await first.getAttribute('data-unit');
  await first.locator('a.rank-name').click();
  await page.waitForURL((u) => u.pathname === `/wall/dossiers/${unit}`);
  await page.waitForSelector(`main.dossier-unit[data-unit="${unit}"]`);
  await page.waitForSelector('.explain-table tr.metric', { timeout: 30_000 });
  const metrics = await page.locator('.explain-table tr.metric').count();
  assert.ok(metrics >= 6, `${metrics} metrics explained`);
  assert.equal(await page.locator('.explain-table tr.group-row').count(), 6);
  // A metric row: numerator, denominator, ratio and points.
  const cells = await page.locator('.explain-table tr.metric').first().locator('td').allTextContents();
  assert.equal(cells.length, 5);
  assert.match(cells[4], /^\d+,\d\d\/\d+$/);
  // Another period recomputes the table.
  await page.locator('.explain .seg a', { hasText: 'Năm nay' }).click();
  await page.waitForSelector('.explain[data-period="year"] .explain-table tr.metric');
  // The overdue list (or its empty state), then the open ones.
  await page.waitForSelector('.dossier-list .dossier-table, .dossier-list .no-dossiers');
  await page.locator('.dossier-list .seg a', { hasText: 'Đang giải quyết' }).click();
  await page.waitForSelector('.dossier-list[data-state="open"] .dossier-table tr.dossier', { timeout: 30_000 });
  const row = await page.locator('.dossier-table tr.dossier').first().locator('td').allTextContents();
  assert.equal(row.length, 7);
  assert.match(row[4], /\d\d\/\d\d\/\d{4}/, 'a due date');
  await page.waitForTimeout(1300);
  await page.screenshot({ path: join(ARTIFACTS, 'dossiers-unit-1920x1080.png') });

  // Back to the province, then a commune's tile: the dossiers concerning it, overdue first.
  await page.locator('a.wall-nav').click();
  await page.waitForURL((u) => u.pathname === '/wall/dossiers');
  await page.waitForSelector('.tiles-grid .commune');
  const tile = page.locator('.tiles-grid .commune.heat-4, .tiles-grid .commune.heat-3, .tiles-grid .commune.heat-2, .tiles-grid .commune.heat-1').first();
  const commune = await tile.getAttribute('data-unit');
  const overdue = Number(await tile.getAttribute('data-overdue'));
  await tile.locator('a').click();
  await page.waitForURL((u) => u.pathname === `/wall/dossiers/${commune}` && u.search.includes('by=commune'));
  await page.waitForSelector('.dossier-list[data-state="overdue"] .dossier-table tr.dossier', { timeout: 30_000 });
  const listed = await page.locator('.dossier-table tr.dossier').count();
  assert.ok(Math.abs(listed - overdue) <= 3, `${listed} overdue listed, the tile said ${overdue}`);
  assert.ok(await page.locator('.dossier-table tr.dossier.overdue').count() > 0);
  assert.deepEqual(errors, []);
  await context.close();

  // The same page rendered by the server, on a phone.
  const phone = await openWall(browser, `${server.base}/wall/dossiers/${unit}?state=open`, { width: 390, height: 844, mobile: true });
  await phone.page.waitForSelector('.explain-table tr.metric', { timeout: 30_000 });
  await phone.page.waitForSelector('.dossier-list .dossier-table, .dossier-list .no-dossiers');
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `phone: horizontal overflow of ${overflow}px`);
  await phone.page.screenshot({ path: join(ARTIFACTS, 'dossiers-unit-390x844.png'), fullPage: true });
  assert.deepEqual(phone.errors, []);
  await phone.context.close();
});

test('English in place; an unknown unit is a 404 page', async () => {
  const { page, context, errors } = await openDossiers({ width: 1280, height: 800 });
  await page.locator('a.lang-switch').click();
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Public-service dossiers');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.locator('.demo-badge').textContent(), /DEMO DATA/);
  assert.match(await page.locator('[data-counter="on-time"] .gauge-value').textContent(), /^\d{1,3}\.\d%$/);
  assert.deepEqual(errors, []);
  const resp = await page.goto(`${server.base}/wall/dossiers/no-such-unit`);
  assert.equal(resp.status(), 404);
  assert.match(await page.locator('main').textContent(), /Không có đơn vị này/);
  // The browser reports the page's own 404 status, nothing else.
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  await context.close();
});
