// The wall in a real browser: server-rendered, hydrated, live over the WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS } from './harness.mjs';

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

const tileValue = (page, series) =>
  page.locator(`article[data-topic="indicator/${series}/40"] .value`).textContent();

test('a posted point changes the tile without a reload', async () => {
  await server.postPoints([{ series: 'retail_sales', unit: '40', ts: '2026-10-01T00:00:00Z', value: 7000 }]);
  const { page, context, errors } = await openWall(browser, `${server.base}/wall`, { width: 1920, height: 1080 });
  assert.equal(await tileValue(page, 'retail_sales'), '7.000,0', 'server-rendered value');
  await page.evaluate(() => { window.__sameDocument = true; });

  await server.postPoints([
    { series: 'retail_sales', unit: '40', ts: '2026-11-01T00:00:00Z', value: 7450.3 },
    { series: 'iip', unit: '40', ts: '2026-11-01T00:00:00Z', value: 109.87 },
    { series: 'exports', unit: '40', ts: '2026-11-01T00:00:00Z', value: 171.5 },
    { series: 'imports', unit: '40', ts: '2026-11-01T00:00:00Z', value: 92.4 },
    { series: 'cpi', unit: '40', ts: '2026-11-01T00:00:00Z', value: 103.21 },
    { series: 'budget_revenue', unit: '40', ts: '2026-11-01T00:00:00Z', value: 1473.8 },
    { series: 'public_investment', unit: '40', ts: '2026-11-01T00:00:00Z', value: 881.2 },
    { series: 'new_enterprises', unit: '40', ts: '2026-11-01T00:00:00Z', value: 161 },
  ]);
  await page.waitForFunction(
    () => document.querySelector('article[data-topic="indicator/retail_sales/40"] .value')?.textContent === '7.450,3',
    null,
    { timeout: 10_000 },
  );
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
  assert.match(await page.locator('article[data-topic="indicator/retail_sales/40"] .trend').textContent(), /▲ \+6,4%/);
  await page.waitForFunction(
    () => document.querySelector('article[data-topic="indicator/new_enterprises/40"] .value')?.textContent === '161',
  );
  await page.waitForTimeout(1300); // let the update flash fade for the screenshot
  await page.screenshot({ path: join(ARTIFACTS, 'wall-1920x1080.png') });
  assert.deepEqual(errors, [], 'no errors in the browser console');
  await context.close();
});

test('the same wall at 4K and on a phone', async () => {
  for (const [name, size] of [
    ['wall-3840x2160.png', { width: 3840, height: 2160 }],
    ['phone-390x844.png', { width: 390, height: 844, mobile: true }],
  ]) {
    const { page, context, errors } = await openWall(browser, `${server.base}/wall`, size);
    // Nothing sticks out sideways: the layout fits the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: horizontal overflow of ${overflow}px`);
    const valueFont = await page.locator('article .value').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(valueFont >= (size.width >= 3840 ? 90 : 30), `${name}: value font ${valueFont}px is legible`);
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: size.mobile === true });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('switching to English happens in place', async () => {
  const { page, context } = await openWall(browser, `${server.base}/wall`, { width: 1280, height: 800 });
  assert.equal(await page.locator('h1').textContent(), 'Chỉ tiêu kinh tế – xã hội');
  await page.locator('a.lang-switch').click();
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Socio-economic indicators');
  assert.equal(await tileValue(page, 'retail_sales'), '7,450.3');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await context.close();
});
