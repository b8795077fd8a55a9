// What a new user sees after the README's first command: the demo feed keeps the wall moving,
// and the wall says that the figures are demo data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS } from './harness.mjs';

test('the demo feed keeps the tiles moving and is labelled', async () => {
  const server = await startServer({ demo: true, demoIntervalMs: 150 });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    const { page, context } = await openWall(browser, `${server.base}/wall`, { width: 1920, height: 1080 });
    assert.match(await page.locator('.demo-badge').textContent(), /DỮ LIỆU MẪU/);
    const offsets = () => page.$$eval('article[data-topic]', (as) => as.map((a) => Number(a.dataset.offset)));
    const before = await offsets();
    await page.waitForFunction(
      (b) => [...document.querySelectorAll('article[data-topic]')].some((a, i) => Number(a.dataset.offset) > b[i] + 1),
      before,
      { timeout: 15_000 },
    );
    await page.waitForFunction(() => [...document.querySelectorAll('article .value')].every((v) => v.textContent !== '—'), null, { timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'wall-demo-1920x1080.png') });
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
