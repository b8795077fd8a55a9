// The wall's indicator tiles and the hot-issues panel in a real browser: monthly figures arrive
// live, tiles show the month, the change against last year, the progress against the annual
// target and a sparkline, and breaches and lagging targets are listed as hot issues.
//
// Figures are posted as points at the first instant of each month (province time), which is how
// published figures travel on `indicator/{code}/{unit}`; expectations are computed here from
// the posted values and the catalogue the server sends (targets, thresholds), never typed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS, monthTs, fmtVi } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: false });
  browser = await launchBrowser();
  assert.deepEqual(await setupAdmin(browser, server), [], 'setup page without errors');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const tile = (series) => `article[data-topic="indicator/${series}/40"]`;

test('live monthly figures fill a tile: month, YoY, target progress, sparkline; breaches become hot issues', async () => {
  const { page, context, errors } = await openWall(browser, `${server.base}/wall`, { width: 1920, height: 1080 });
  await page.evaluate(() => { window.__sameDocument = true; });
  const wall = await page.evaluate(() => fetch('/api/v1/wall').then((r) => r.json()));
  const def = (code) => wall.tiles.find((t) => t.series === code).indicator;

  // Retail sales: the same month last year and January→October of this year.
  const lastYear = 7000;
  const months = Array.from({ length: 10 }, (_, i) => ({ period: `2026-${String(i + 1).padStart(2, '0')}`, value: 6800 + 61.5 * i }));
  await server.postPoints([
    { series: 'retail_sales', unit: '40', ts: monthTs('2025-10'), value: lastYear },
    ...months.map((m) => ({ series: 'retail_sales', unit: '40', ts: monthTs(m.period), value: m.value })),
  ]);
  const retail = tile('retail_sales');
  await page.waitForFunction((sel) => document.querySelector(`${sel} .spark`)?.dataset.months === '11', retail, { timeout: 10_000 });
  const oct = months[9].value;
  assert.equal(await page.locator(`${retail} .value`).textContent(), fmtVi(oct, 1));
  assert.equal(await page.locator(`${retail} .period`).textContent(), 'T10/2026');
  const yoy = ((oct - lastYear) / lastYear) * 100;
  assert.match(await page.locator(`${retail} .yoy`).textContent(), new RegExp(`▲ \\+${fmtVi(yoy, 1)}% so cùng kỳ`));
  const mom = ((oct - months[8].value) / months[8].value) * 100;
  assert.match(await page.locator(`${retail} .trend`).textContent(), new RegExp(`▲ \\+${fmtVi(mom, 1)}%`));
  const target = def('retail_sales').annual_target;
  const ytd = months.reduce((s, m) => s + m.value, 0);
  const pct = (ytd / target) * 100;
  assert.equal(await page.locator(`${retail} .progress-label`).textContent(), `Lũy kế đạt ${fmtVi(pct, 1)}% · tiến độ ${fmtVi(1000 / 12, 0)}%`);
  const behind = pct < 1000 / 12;
  assert.equal(await page.locator(`${retail}.is-behind`).count(), behind ? 1 : 0, 'lagging tile is highlighted');
  assert.equal(await page.locator('.hot li[data-key="behind:retail_sales"]').count(), behind ? 1 : 0);
  assert.equal(await page.locator(`${retail} .spark polyline`).getAttribute('points').then((p) => p.split(' ').length), 11);

  // A revision of October replaces the month: same number of months, new value, new YoY.
  const revised = oct + 250;
  await server.postPoints([{ series: 'retail_sales', unit: '40', ts: monthTs('2026-10'), value: revised }]);
  await page.waitForFunction(([sel, v]) => document.querySelector(`${sel} .value`)?.textContent === v, [retail, fmtVi(revised, 1)]);
  assert.equal(await page.locator(`${retail} .spark`).getAttribute('data-months'), '11');
  assert.match(await page.locator(`${retail} .yoy`).textContent(), new RegExp(`\\+${fmtVi(((revised - lastYear) / lastYear) * 100, 1)}%`));

  // CPI is an index with the same period last year = 100: 103,2 means prices rose 3,2 % in a
  // year (not 103,2 against last October's 102,9, which would read +0,3 %), and there is no
  // month-on-month change without the separately published month-on-month index.
  const cpiDef = def('cpi');
  assert.equal(cpiDef.value_kind, 'index_yoy', 'the catalogue says what kind of number CPI is');
  await server.postPoints([
    { series: 'cpi', unit: '40', ts: monthTs('2025-10'), value: 102.9 },
    { series: 'cpi', unit: '40', ts: monthTs('2026-09'), value: 103.0 },
    { series: 'cpi', unit: '40', ts: monthTs('2026-10'), value: 103.2 },
  ]);
  const cpi = tile('cpi');
  await page.waitForFunction((sel) => document.querySelector(`${sel} .value`)?.textContent === '103,20', cpi, { timeout: 10_000 });
  assert.equal(await page.locator(`${cpi} .yoy`).textContent(), '▲ +3,2% so cùng kỳ');
  assert.equal(await page.locator(`${cpi} .mom`).count(), 0, 'no month-on-month change from a YoY index');
  // Its target (104) reads as a change: at most +4,0 % against last year.
  assert.equal(await page.locator(`${cpi} .progress-label`).textContent(), `Mục tiêu: không quá +${fmtVi(cpiDef.annual_target - 100, 1)}% so cùng kỳ`);

  // Public investment reads as disbursement of the year's plan, as leaders read it.
  const invest = months.map((m) => ({ period: m.period, value: 420 + 10 * Number(m.period.slice(5)) }));
  await server.postPoints(invest.map((m) => ({ series: 'public_investment', unit: '40', ts: monthTs(m.period), value: m.value })));
  const pi = tile('public_investment');
  await page.waitForFunction((sel) => document.querySelector(`${sel} .spark`)?.dataset.months === '10', pi, { timeout: 10_000 });
  const disbursed = (invest.reduce((s, m) => s + m.value, 0) / def('public_investment').annual_target) * 100;
  assert.equal(await page.locator(`${pi} .progress-label`).textContent(), `Giải ngân ${fmtVi(disbursed, 1)}% kế hoạch · tiến độ ${fmtVi(1000 / 12, 0)}%`);

  // IIP below its warning threshold: the tile turns red and the panel lists it first.
  const iip = def('iip');
  assert.ok(iip.warn_low !== null, 'the catalogue has a lower warning level for IIP');
  const low = iip.warn_low - 1.3;
  await server.postPoints([{ series: 'iip', unit: '40', ts: monthTs('2026-10'), value: low }]);
  await page.waitForSelector(`${tile('iip')}.is-breach`, { timeout: 10_000 });
  assert.equal(await page.locator(`${tile('iip')} .alarm`).textContent(), 'Dưới ngưỡng cảnh báo');
  const first = page.locator('.hot li').first();
  assert.equal(await first.getAttribute('data-key'), 'breach:iip');
  assert.match(await first.textContent(), new RegExp(`${fmtVi(low, iip.decimals)}.*ngưỡng ${fmtVi(iip.warn_low, iip.decimals)}`));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');

  // English in place: the panel and the tile follow.
  await page.locator('a.lang-switch').click();
  await page.waitForFunction(() => document.querySelector('.hot-title')?.textContent.startsWith('Hot issues'));
  assert.equal(await page.locator(`${tile('iip')} .alarm`).textContent(), 'Below warning level');
  assert.equal(await page.locator(`${retail} .period`).textContent(), 'Oct 2026');
  await page.locator('a.lang-switch').click();
  await page.waitForFunction(() => document.querySelector('.hot-title')?.textContent.startsWith('Vấn đề nổi bật'));

  await page.waitForTimeout(1300); // let the update flash fade
  for (const [name, size] of [
    ['wall-live-1920x1080.png', { width: 1920, height: 1080 }],
    ['wall-live-3840x2160.png', { width: 3840, height: 2160 }],
    ['wall-live-390x844.png', { width: 390, height: 844 }],
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: horizontal overflow of ${overflow}px`);
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: size.width < 600 });
  }
  assert.deepEqual(errors, [], 'no errors in the browser console');
  await context.close();
});

test('the server renders sparkline, hot issues and tile links before any script runs', async () => {
  const { page, context } = await openWall(browser, `${server.base}/wall`, { width: 1280, height: 800 });
  // The HTML as the server sent it (a kiosk shows it before the wasm loads).
  const html = await page.evaluate(() => fetch('/wall').then((r) => r.text()));
  assert.match(html, /<svg[^>]*class="spark"/);
  assert.match(html, /<aside[^>]*class="hot"/);
  assert.match(html, /data-key="breach:iip"/);
  assert.match(html, /href="\/wall\/indicator\/retail_sales\?area=40"/);
  assert.doesNotMatch(html, /\sstyle="/, 'no inline styles (the CSP forbids them)');
  await context.close();
});

test('late units of the deadline board are hot issues, live', async (t) => {
  const { page, context, errors } = await openWall(browser, `${server.base}/wall`, { width: 1920, height: 1080 });
  // The board the wall follows on deadlines/40 is the one GET /api/v1/deadlines answers.
  const res = await context.request.get(`${server.base}/api/v1/deadlines`);
  assert.equal(res.status(), 200, 'GET /api/v1/deadlines is served');
  const board = await res.json();
  const late = board.rows.filter((r) => r.deadline_status === 'late');
  // Nobody has reported in this fresh installation: every unit past its deadline is late.
  assert.ok(late.length > 0, `late units on the board of ${board.period} (today ${board.today})`);
  // The server renders the wall without the board: these items arrive over the WebSocket.
  for (const r of late) {
    const item = page.locator(`.hot li[data-key="late:${r.group}:${r.unit}:${r.period}"]`);
    await item.waitFor({ timeout: 10_000 });
    const text = await item.textContent();
    assert.ok(text.startsWith('Chậm nộp báo cáo') && text.includes(r.unit_name_vi), text);
  }
  const notLate = board.rows.filter((r) => r.deadline_status !== 'late');
  for (const r of notLate) {
    assert.equal(await page.locator(`.hot li[data-key="late:${r.group}:${r.unit}:${r.period}"]`).count(), 0);
  }
  // The province's own lateness (trễ hạn gửi Chính phủ): one item per group and period whose
  // reports are not sent after the send deadline, ahead of the units' lateness.
  const lateGov = new Set(board.rows.filter((r) => r.late_to_government).map((r) => `${r.group}:${r.period}`));
  for (const key of lateGov) {
    const item = page.locator(`.hot li[data-key="late-gov:${key}"]`);
    await item.waitFor({ timeout: 10_000 });
    assert.ok((await item.textContent()).startsWith('Trễ hạn gửi Chính phủ'));
  }
  if (lateGov.size > 0) {
    const keys = await page.locator('.hot li').evaluateAll((els) => els.map((e) => e.dataset.key));
    const firstLate = keys.findIndex((k) => k.startsWith('late:'));
    const lastGov = keys.map((k) => k.startsWith('late-gov:')).lastIndexOf(true);
    assert.ok(firstLate === -1 || lastGov < firstLate, keys.join(' '));
  }
  await page.screenshot({ path: join(ARTIFACTS, 'wall-hot-1920x1080.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
