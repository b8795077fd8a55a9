// A wall screen that runs unattended: a kiosk paired with a device code boots into /wall/main,
// rotates through the pages the administrator keeps on the server (a change reaches it without
// a reload), says that its figures are stale while the server is down, and comes back into its
// rotation by itself after the restart — and again when its browser is reopened. The operator
// page lists the running screen and the page it shows, live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, signIn, setupAdmin, ADMIN, ARTIFACTS } from './harness.mjs';

const HD = { width: 1920, height: 1080 };
const UHD = { width: 3840, height: 2160 };
const PHONE = { width: 390, height: 844 };

/// The page of the rotation the kiosk shows (its index in the screen's pages).
const shownPage = (page) => page.locator('.screen[data-screen="main"]').getAttribute('data-page').then(Number);

/// Waits until the screen shows page `n`, hydrated and live.
async function waitForPage(page, n, timeout = 20_000) {
  await page.waitForFunction(
    (n) => {
      const s = document.querySelector('.screen[data-screen="main"]');
      return s?.getAttribute('data-page') === String(n) && s.querySelector('main.wall[data-live="connected"]');
    },
    n,
    { timeout },
  );
}

/// Screenshots of what the kiosk shows at the three sizes (the kiosk's own size last).
async function shoot(page, name) {
  for (const [size, label] of [[UHD, '3840x2160'], [PHONE, '390x844'], [HD, '1920x1080']]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${label}.png`) });
  }
}

const harmless = (e) => /WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e);

test('a paired kiosk rotates, shows stale data while the server is down and comes back into its rotation', async () => {
  const server = await startServer({ demo: true, demoIntervalMs: 1500 });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);

    // The kiosk is paired once with a device code for the screen `main` and booted on its address.
    const code = server.admin(['create-token', '--kind=wall_display', '--unit=40', '--screen=main', '--name=Phòng họp tầng 2']);
    const kiosk = await newPage(browser, HD);
    await kiosk.page.goto(`${server.base}/login`);
    await kiosk.page.fill('input[name=token]', code);
    await Promise.all([kiosk.page.waitForURL(/\/wall/), kiosk.page.click('form[action^="/auth/device"] button')]);
    await kiosk.page.goto(`${server.base}/wall/main`);
    await waitForPage(kiosk.page, 0, 30_000);
    await kiosk.page.evaluate(() => { window.__sameDocument = true; });
    assert.equal(await kiosk.page.locator('.screen .stale-badge').count(), 0);

    // The administrator shortens the rotation on the screens page; the running kiosk follows.
    const admin = await signIn(browser, server, ADMIN, '/admin/screens', HD);
    await admin.page.waitForSelector('tbody.row-group[data-code="main"]', { timeout: 30_000 });
    await admin.page.click('tbody.row-group[data-code="main"] .cell-actions button');
    const form = admin.page.locator('form.screen-form[data-screen="main"]');
    await form.locator('input[name=interval]').fill('5');
    await admin.page.screenshot({ path: join(ARTIFACTS, 'admin-screen-edit-1920x1080.png'), fullPage: true });
    await form.locator('button[type=submit]').click();
    await admin.page.waitForSelector('.notice-ok', { timeout: 10_000 });
    assert.match(await admin.page.locator('.notice-ok').textContent(), /Đã lưu màn hình/);

    // The rotation: the province's dossier wall, then the indicator wall again.
    await waitForPage(kiosk.page, 1, 15_000);
    await kiosk.page.waitForSelector('.screen main.dossier-wall', { timeout: 10_000 });
    await kiosk.page.waitForTimeout(1500);
    await shoot(kiosk.page, 'screen-dossiers');
    await waitForPage(kiosk.page, 0, 15_000);
    await kiosk.page.waitForSelector('.screen main.wall .tiles', { timeout: 10_000 });
    await shoot(kiosk.page, 'screen-indicators');

    // The operator page lists the kiosk with the page it shows, live.
    const row = admin.page.locator('.running-screens tbody.row-group[data-screen="main"]');
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.textContent(), /Phòng họp tầng 2/);
    assert.equal(await row.getAttribute('data-online'), 'true');
    await admin.page.waitForFunction(
      () => /Hồ sơ TTHC toàn tỉnh/.test(document.querySelector('.running-screens tbody[data-screen="main"] .current-page')?.textContent ?? ''),
      null,
      { timeout: 20_000 },
    );
    await admin.page.screenshot({ path: join(ARTIFACTS, 'admin-screens-1920x1080.png'), fullPage: true });

    // The server goes away: the kiosk keeps its page and, after the interval, says since when
    // its figures are stale.
    const start = await server.stopForRestart();
    await kiosk.page.waitForSelector('.screen .stale-badge', { timeout: 20_000 });
    const badge = await kiosk.page.locator('.screen .stale-badge strong').textContent();
    assert.match(badge, /^Số liệu chưa cập nhật từ \d\d:\d\d$/);
    const held = await shownPage(kiosk.page);
    await kiosk.page.waitForTimeout(6_000);
    assert.equal(await shownPage(kiosk.page), held, 'no rotation into a page that cannot load');
    await shoot(kiosk.page, 'screen-stale');

    // The server is back: the kiosk reconnects and rotates again, without a reload.
    await start();
    await kiosk.page.waitForSelector('.screen[data-stale="false"] main.wall[data-live="connected"]', { timeout: 30_000 });
    assert.equal(await kiosk.page.locator('.screen .stale-badge').count(), 0);
    await waitForPage(kiosk.page, (held + 1) % 2, 20_000);
    await waitForPage(kiosk.page, held, 20_000);
    assert.equal(await kiosk.page.evaluate(() => window.__sameDocument), true, 'no reload happened');
    assert.deepEqual(kiosk.errors.filter((e) => !harmless(e)), []);

    // The kiosk's browser is reopened on its address (the cookie kept): straight into the rotation.
    await kiosk.page.close();
    const reopened = await kiosk.context.newPage();
    await reopened.goto(`${server.base}/wall/main`);
    await waitForPage(reopened, 0, 30_000);
    await waitForPage(reopened, 1, 15_000);

    // A light theme for a bright room reaches the running screen too.
    await admin.page.click('tbody.row-group[data-code="main"] .cell-actions button');
    await form.locator('select[name=theme]').selectOption('light');
    await form.locator('button[type=submit]').click();
    await reopened.waitForSelector('.screen.theme-light', { timeout: 10_000 });
    await reopened.waitForTimeout(1500);
    await reopened.screenshot({ path: join(ARTIFACTS, 'screen-light-1920x1080.png') });

    // A screen the device's token does not name is not shown to it.
    const other = await reopened.goto(`${server.base}/wall/lobby`);
    assert.equal(other.status(), 404);

    // English, on a phone, for a person previewing the screen.
    await admin.page.setViewportSize(PHONE);
    await admin.page.goto(`${server.base}/admin/screens?lang=en`);
    await admin.page.waitForSelector('tbody.row-group[data-code="main"]', { timeout: 30_000 });
    await admin.page.screenshot({ path: join(ARTIFACTS, 'admin-screens-390x844.png'), fullPage: true });
    assert.deepEqual(admin.errors.filter((e) => !harmless(e)), []);
    await kiosk.context.close();
    await admin.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
