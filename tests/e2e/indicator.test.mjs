// The indicator page: a tile opens its chart (ECharts, loaded on this page only, under the CSP),
// month / year-to-date toggle, ranges, and the drill-down to the units' reports of a month.
//
// With the server's series API, the months are imported through the history backfill
// (`POST /api/v1/figures/backfill`, as an administrator) and every expectation is read back from
// the server's own answers. A server without that API (this branch before main's indicator work
// was merged) gets the two GETs answered in the browser (page.route) from a fixture built from
// the real catalogue entry; the wall, router, session, CSP and ECharts are real either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS, fmtVi } from './harness.mjs';

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

/// Months 2019-01 → 2026-10 imported through the history backfill (October an estimate); months
/// before July 2025 that the server rolls up from former units are left out of the import.
function seriesFixture(indicator) {
  const months = [];
  let ytd = 0;
  for (let y = 2019; y <= 2026; y++) {
    ytd = 0;
    for (let m = 1; m <= 12 && (y < 2026 || m <= 10); m++) {
      const value = Math.round((4000 + (y - 2019) * 420 + m * 35 + (m % 3) * 80) * 10) / 10;
      ytd += value;
      const period = `${y}-${String(m).padStart(2, '0')}`;
      months.push({
        period, value, ytd: Math.round(ytd * 10) / 10,
        kind: period === '2026-10' ? 'estimate' : 'official',
        rolled_up: period < '2025-07', demo: false,
      });
    }
  }
  return { indicator, area: '40', area_name_vi: 'Nghệ An', area_name_en: 'Nghe An', months };
}

test('a tile opens its chart: month / year to date, ranges, and the units of a picked month', async () => {
  const { page, context, errors } = await openWall(browser, `${server.base}/wall`, { width: 1920, height: 1080 });
  const wall = await page.evaluate(() => fetch('/api/v1/wall').then((r) => r.json()));
  const indicator = wall.tiles.find((t) => t.series === 'retail_sales').indicator;
  const fixture = seriesFixture(indicator);
  // The real series API (a regression that loses it must fail here, not be mocked away).
  const seriesUrl = `${server.base}/api/v1/indicators/retail_sales/series?area=40&from=2019-01&to=2026-11`;
  assert.equal((await context.request.get(seriesUrl)).status(), 200, 'GET …/series is served');
  const me = await (await context.request.get(`${server.base}/api/v1/me`)).json();
  const csv = ['indicator,area,period,value,kind']
    .concat(fixture.months.filter((m) => !m.rolled_up || m.period >= '2021-01').map((m) => `retail_sales,40,${m.period},${m.value},${m.kind}`))
    .join('\n');
  const r = await context.request.post(`${server.base}/api/v1/figures/backfill`, {
    headers: { 'content-type': 'text/csv', 'x-csrf-token': me.csrf_token }, data: csv,
  });
  assert.equal(r.status(), 200, await r.text());
  const series = await (await context.request.get(seriesUrl)).json();
  const unitsFor = async (period) => {
    const res = await context.request.get(`${server.base}/api/v1/indicators/retail_sales/units?period=${period}`);
    assert.equal(res.status(), 200, `GET …/units?period=${period}`);
    return res.json();
  };

  // The tile's link, followed in the page (client-side routing, no reload).
  await page.locator('article[data-topic="indicator/retail_sales/40"] a.tile-link').click();
  await page.waitForURL(/\/wall\/indicator\/retail_sales\?area=40/);
  await page.waitForSelector('main.indicator-page[data-state="ready"] .chart canvas', { timeout: 20_000 });
  assert.equal(await page.locator('h1').textContent(), indicator.name_vi);
  assert.match(await page.locator('a.export').getAttribute('href'), /^\/api\/v1\/indicators\/retail_sales\/series\.xlsx\?area=40&from=2019-01&to=\d{4}-\d{2}$/);

  const option = () => page.evaluate(() => {
    const o = window.echarts.getInstanceByDom(document.querySelector('.chart')).getOption();
    return { labels: o.xAxis[0].data, bars: o.series[0].data, names: o.series.map((s) => s.name) };
  });
  const last = series.months.at(-1);
  // Default: five years of months, the latest (an estimate) marked, the latest month picked.
  let o = await option();
  assert.equal(o.labels.length, 60);
  assert.equal(o.labels.at(-1), 'T10/2026');
  assert.equal(o.bars.at(-1).value, last.value);
  assert.equal(o.bars.at(-1).itemStyle.borderType, 'solid', 'the picked month is outlined');
  assert.equal(o.bars.at(-1).itemStyle.opacity, 0.45, 'an estimate is pale');
  // Months rolled up from former units (the fixture's history) have their own colour.
  const shownMonths = series.months.slice(-60);
  const rolledAt = shownMonths.findIndex((m) => m.rolled_up);
  if (rolledAt >= 0) assert.notEqual(o.bars[rolledAt].itemStyle.color, o.bars.at(-1).itemStyle.color);

  // Drill-down of the latest month: the units' reports, estimates beside official figures.
  const drill = async (period) => {
    const u = await unitsFor(period);
    await page.waitForSelector(`.units[data-loaded="${period}"]`);
    assert.equal(await page.locator('.units-table tbody tr').count(), u.submissions.length);
    for (const [kind, col] of [['official', '.rev-col.official'], ['estimate', '.rev-col.estimate']]) {
      const revs = u.revisions.filter((r) => r.kind === kind);
      assert.equal(await page.locator(`${col} .rev`).count(), revs.length, `${kind} revisions of ${period}`);
      if (revs.length) assert.equal(await page.locator(`${col} .rev.current .rev-value`).textContent(), fmtVi(revs[0].value, indicator.decimals));
    }
    for (const s of u.submissions) assert.match(await page.locator(`.units-table tr[data-unit="${s.unit}"]`).textContent(), new RegExp(s.unit_name_vi));
    return u;
  };
  const u = await drill(last.period);

  // Year to date, with the annual target and this year's pace.
  await page.locator('.seg.mode button[data-value="ytd"]').click();
  await page.waitForSelector('main.indicator-page[data-mode="ytd"]');
  o = await option();
  assert.equal(o.bars.at(-1).value, last.ytd);
  assert.ok(o.names.includes('Kế hoạch năm'), `target line in ${o.names}`);

  // The change against the same month last year (retail sales is a flow: a ratio).
  await page.locator('.seg.mode button[data-value="yoy"]').click();
  await page.waitForSelector('main.indicator-page[data-mode="yoy"]');
  o = await option();
  const lastYearSame = series.months.find((m) => m.period === `${Number(last.period.slice(0, 4)) - 1}${last.period.slice(4)}`);
  if (lastYearSame) assert.ok(Math.abs(o.bars.at(-1).value - ((last.value / lastYearSame.value - 1) * 100)) < 1e-9, `${o.bars.at(-1).value}`);
  assert.ok(o.names.includes('So cùng kỳ (%)'), `${o.names}`);
  await page.locator('.seg.mode button[data-value="ytd"]').click();
  await page.waitForSelector('main.indicator-page[data-mode="ytd"]');

  // One year: thirteen months (the same month last year stays on screen); since 2019: all.
  await page.locator('.seg.span button[data-value="1y"]').click();
  await page.waitForFunction(() => window.echarts.getInstanceByDom(document.querySelector('.chart')).getOption().xAxis[0].data.length === 13);
  await page.locator('.seg.span button[data-value="all"]').click();
  await page.waitForFunction((n) => window.echarts.getInstanceByDom(document.querySelector('.chart')).getOption().xAxis[0].data.length === n, series.months.length);

  // A click on a bar picks its month for the drill-down.
  await page.locator('.seg.span button[data-value="1y"]').click();
  await page.locator('.seg.mode button[data-value="month"]').click();
  await page.waitForSelector('main.indicator-page[data-mode="month"]');
  const target = series.months.at(-4);
  const box = await page.locator('.chart').boundingBox();
  const [x, y] = await page.evaluate((v) => {
    const c = window.echarts.getInstanceByDom(document.querySelector('.chart'));
    return c.convertToPixel({ seriesIndex: 0 }, [9, v]);
  }, target.value);
  await page.mouse.click(box.x + x, box.y + y + 5);
  await drill(target.period);

  // …and so does the month picker.
  await page.locator('.month-pick select').selectOption('2024-03');
  await drill('2024-03');

  for (const [name, size] of [
    ['indicator-1920x1080.png', { width: 1920, height: 1080 }],
    ['indicator-3840x2160.png', { width: 3840, height: 2160 }],
    ['indicator-390x844.png', { width: 390, height: 844 }],
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: horizontal overflow of ${overflow}px`);
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: size.width < 600 });
  }
  // English in place.
  await page.locator('a.lang-switch').click();
  await page.waitForFunction((n) => document.querySelector('h1')?.textContent === n, indicator.name_en);
  assert.deepEqual(errors, [], 'no errors (CSP included) in the browser console');
  await context.close();
});
