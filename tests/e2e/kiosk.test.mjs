// Sign-in screens and an unattended wall display paired with a device code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, setupAdmin, ADMIN, ARTIFACTS } from './harness.mjs';

test('sign-in page, wrong password, and a wall display paired with its device code', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);

    // A person with a wrong password stays on the sign-in page with a message.
    const phone = await newPage(browser, { width: 390, height: 844, mobile: true });
    await phone.page.goto(`${server.base}/wall`);
    await phone.page.waitForURL(/\/login\?next=%2Fwall|\/login\?next=\/wall/);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'login-390x844.png'), fullPage: true });
    await phone.page.fill('input[name=username]', ADMIN.username);
    await phone.page.fill('input[name=password]', 'not-the-password');
    await Promise.all([phone.page.waitForURL(/error=invalid_credentials/), phone.page.click('form[action^="/auth/login"] button')]);
    assert.match(await phone.page.locator('.form-error').first().textContent(), /Tên đăng nhập hoặc mật khẩu không đúng/);
    assert.deepEqual(phone.errors, []);
    await phone.context.close();

    // The administrator issues a device code for the main screen (here with the CLI).
    const code = server.admin(['create-token', '--kind=wall_display', '--unit=40', '--screen=main', '--name=Màn hình phòng họp']);
    assert.match(code, /^ioc_[a-z0-9]+_[A-Za-z0-9]+$/);

    // The kiosk browser is paired once and then shows the wall, with no sign-out button.
    const kiosk = await newPage(browser, { width: 1920, height: 1080 });
    await kiosk.page.goto(`${server.base}/login`);
    await kiosk.page.fill('input[name=token]', code);
    await Promise.all([kiosk.page.waitForURL(/\/wall/), kiosk.page.click('form[action^="/auth/device"] button')]);
    await kiosk.page.waitForSelector('main.wall[data-live="connected"]', { timeout: 30_000 });
    assert.equal(await kiosk.page.locator('.viewer').textContent(), 'Màn hình phòng họp');
    assert.equal(await kiosk.page.locator('form[action="/auth/logout"]').count(), 0);
    await server.postPoints([{ series: 'cpi', unit: '40', ts: '2026-11-01T00:00:00Z', value: 103.4 }]);
    await kiosk.page.waitForFunction(
      () => document.querySelector('article[data-topic="indicator/cpi/40"] .value')?.textContent === '103,40',
    );
    // The device cookie is HttpOnly: scripts on the page cannot read it.
    assert.equal(await kiosk.page.evaluate(() => document.cookie), '');
    assert.deepEqual(kiosk.errors, []);
    await kiosk.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
