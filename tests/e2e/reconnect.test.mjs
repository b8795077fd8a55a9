// An unattended wall must survive a server restart: it shows that it is offline, reconnects by
// itself and goes on updating, without anyone touching it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openWall, setupAdmin } from './harness.mjs';

test('the wall reconnects after a server restart and keeps updating', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    await server.postPoints([{ series: 'exports', unit: '40', ts: '2026-10-01T00:00:00Z', value: 150 }]);
    const { page, context, errors } = await openWall(browser, `${server.base}/wall`, { width: 1280, height: 800 });
    await page.evaluate(() => { window.__sameDocument = true; });

    const start = await server.stopForRestart();
    await page.waitForSelector('main.wall[data-live="offline"]', { timeout: 15_000 });
    assert.match(await page.locator('.conn').textContent(), /Mất kết nối/);
    await start();
    await page.waitForSelector('main.wall[data-live="connected"]', { timeout: 30_000 });

    await server.postPoints([{ series: 'exports', unit: '40', ts: '2026-11-01T00:00:00Z', value: 171.5 }]);
    await page.waitForFunction(
      () => document.querySelector('article[data-topic="indicator/exports/40"] .value')?.textContent === '171,5',
      null,
      { timeout: 10_000 },
    );
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
    // The browser logs the failed reconnection attempts while the server is down; nothing else.
    assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), []);
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
