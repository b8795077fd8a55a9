// The administrator's screens in the browser: units, accounts and roles, API tokens (the secret
// shown once), the audit trail with its exports; on a 390-px phone and a 1366-px desktop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, setupAdmin, ADMIN, ARTIFACTS } from './harness.mjs';

const PHONE = { width: 390, height: 844, mobile: true };
const DESKTOP = { width: 1366, height: 768 };

/// Opens `path` signed in as the administrator (through the sign-in form it is sent to) and
/// waits until the hydrated page has loaded its data.
async function openAdmin(browser, server, path, size) {
  const { page, context, errors } = await newPage(browser, size);
  await page.goto(`${server.base}${path}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', ADMIN.username);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/admin')), page.click('form[action^="/auth/login"] button[type=submit]')]);
  await loaded(page);
  return { page, context, errors };
}

/// The screen's data is there (it is loaded by the browser after hydration).
async function loaded(page) {
  await page.waitForSelector('.admin-tools .viewer', { state: 'attached', timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.admin-loading'), null, { timeout: 30_000 });
}

async function shoot(page, name, size) {
  await page.screenshot({ path: join(ARTIFACTS, `admin-${name}-${size.width}x${size.height}.png`), fullPage: true });
}

test('admin screens: units, accounts, tokens and the audit trail', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    const { page, context, errors } = await openAdmin(browser, server, '/admin', DESKTOP);
    assert.match(await page.locator('.admin-lead').textContent(), new RegExp(`Xin chào, ${ADMIN.name}`));
    assert.equal(await page.locator('.admin-card').count(), 8); // … and the wall screens (issue 12)
    // Styles come from the stylesheet only (the CSP forbids inline styles).
    assert.equal(await page.locator('[style]').count(), 0);

    // Units: the departments are listed; a new one is added, then renamed and deactivated.
    await page.click('.admin-nav a[href="/admin/units"]');
    await loaded(page);
    await page.waitForSelector('.admin-table code:text-is("dept-stc")');
    await page.click('.admin-panel summary');
    const add = page.locator('.admin-panel form');
    await add.locator('input').nth(0).fill('dept-bqlda');
    await add.locator('input').nth(1).fill('Ban Quản lý dự án đầu tư xây dựng tỉnh');
    await add.locator('input').nth(2).fill('Provincial Construction Investment Project Board');
    await add.locator('input').nth(3).fill('ban');
    await add.locator('button[type=submit]').click();
    await page.waitForSelector('.notice-ok:has-text("Đã thêm đơn vị")');
    const row = page.locator('tbody.row-group', { has: page.locator('code:text-is("dept-bqlda")') });
    await row.locator('button:has-text("Sửa")').click();
    const edit = row.locator('.edit-row form');
    await edit.locator('input').first().fill('Ban Quản lý dự án các công trình xây dựng tỉnh');
    await edit.locator('input[type=checkbox]').uncheck();
    await edit.locator('button[type=submit]').click();
    await page.waitForSelector('.notice-ok:has-text("Đã lưu")');
    assert.match(await row.textContent(), /Ban Quản lý dự án các công trình xây dựng tỉnh/);
    assert.match(await row.textContent(), /Ngừng hoạt động/);
    // A search by name, without accents, is a bookmarkable address.
    await page.fill('input[name=q]', 'tai chinh');
    await Promise.all([page.waitForURL(/q=tai\+chinh/), page.click('.admin-filters button[type=submit]')]);
    await loaded(page);
    await page.waitForSelector('.admin-table code:text-is("dept-stc")');

    // Accounts: a unit editor for a commune, found by its name in the picker.
    await page.goto(`${server.base}/admin/users`);
    await loaded(page);
    await page.click('.admin-panel summary');
    const user = page.locator('.admin-panel form');
    await user.locator('input').nth(0).fill('bientap.anhson');
    await user.locator('input').nth(1).fill('Trần Thị Biên');
    await user.locator('input[type=password]').fill('mat-khau-bien-tap-2026');
    await user.locator('#new-user-unit').fill('anh son');
    await page.waitForFunction(() => document.querySelector('#new-user-unit-units option[value="17329"]'));
    await user.locator('#new-user-unit').fill('17329');
    await user.locator('label.check', { hasText: 'Cán bộ nhập liệu' }).locator('input').check();
    await user.locator('button[type=submit]').click();
    await page.waitForSelector('.notice-ok:has-text("Đã tạo tài khoản")');
    const editor = page.locator('tbody.row-group', { has: page.locator('code:text-is("bientap.anhson")') });
    await editor.waitFor();
    assert.match(await editor.textContent(), /Cán bộ nhập liệu · 17329/);

    // Tokens: the secret is shown once, then gone for good; revocation.
    await page.goto(`${server.base}/admin/tokens`);
    await loaded(page);
    await page.click('.admin-panel summary');
    const token = page.locator('.admin-panel form');
    await token.locator('input').first().fill('Một cửa – Xã Anh Sơn');
    await token.locator('#new-token-unit').fill('17329');
    await token.locator('button[type=submit]').click();
    const secret = await page.locator('.secret-value').inputValue();
    assert.match(secret, /^ioc_[a-z0-9]+_[A-Za-z0-9]+$/);
    assert.match(await page.locator('.secret').textContent(), /duy nhất/);
    await shoot(page, 'token-secret', DESKTOP);
    const posted = await fetch(`${server.base}/api/v1/points`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ points: [{ series: 'cpi', unit: '17329', ts: '2026-11-01T00:00:00Z', value: 101.2 }] }),
    });
    assert.equal(posted.status, 200, 'the new token works');
    await page.click('.secret button.btn-secondary');
    assert.equal(await page.locator('.secret').count(), 0);
    assert.equal((await page.content()).includes(secret), false, 'the secret is nowhere in the page any more');
    const tokenRow = page.locator('tr', { hasText: 'Một cửa – Xã Anh Sơn' });
    page.once('dialog', (d) => d.accept());
    await tokenRow.locator('button.btn-danger').click();
    await page.waitForSelector('.notice-ok:has-text("Đã thu hồi mã")');
    await tokenRow.locator('.chip-off').waitFor();

    // The audit trail shows all of it; filters are in the address and go to the exports.
    await page.goto(`${server.base}/admin/audit?entity=unit`);
    await loaded(page);
    const audit = page.locator('.audit-table tbody tr');
    assert.equal(await audit.count(), 2, 'the creation and the change of the unit');
    assert.match(await audit.first().textContent(), /Cập nhật/);
    await audit.first().locator('summary').click();
    assert.match(await audit.first().locator('.audit-diff').textContent(), /"active": false/);
    assert.equal(await page.locator('a[href="/api/v1/admin/audit.csv?entity=unit"]').count(), 1);
    const xlsx = await page.locator('a[href^="/api/v1/admin/audit.xlsx"]').getAttribute('href');
    const download = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return { type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 2)) };
    }, xlsx);
    assert.deepEqual(download, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', head: 'PK' });
    assert.deepEqual(errors, []);
    await context.close();

    // Every screen, on a phone and on a desktop, in Vietnamese; the English switch.
    for (const size of [PHONE, DESKTOP]) {
      const s = await openAdmin(browser, server, '/admin', size);
      for (const [name, path] of [['overview', '/admin'], ['units', '/admin/units'], ['users', '/admin/users'], ['tokens', '/admin/tokens'], ['audit', '/admin/audit']]) {
        await s.page.goto(`${server.base}${path}`);
        await loaded(s.page);
        // Forms open, so that they are in the pictures too.
        if (name === 'users') {
          await s.page.locator('tbody.row-group', { has: s.page.locator('code:text-is("bientap.anhson")') }).locator('button').click();
        }
        if (name === 'units') {
          await s.page.click('.admin-panel summary');
          await s.page.locator('tbody.row-group', { has: s.page.locator('code:text-is("dept-bqlda")') }).locator('button').click();
        }
        if (name === 'tokens') {
          await s.page.click('.admin-panel summary');
          if (size === PHONE) {
            // A wall display's pairing code, shown once on the phone too.
            const form = s.page.locator('.admin-panel form');
            await form.locator('input').first().fill('Màn hình phòng họp UBND');
            await form.locator('select').selectOption('wall_display');
            await form.locator('#new-token-unit').fill('40');
            assert.equal(await form.locator('input[type=checkbox]').count(), 0, 'no points:write for a screen');
            await form.locator('button[type=submit]').click();
            await s.page.locator('.secret-value').waitFor();
            await shoot(s.page, 'token-secret', size);
            await s.page.click('.secret button.btn-secondary');
            const row = s.page.locator('tr', { hasText: 'Màn hình phòng họp UBND' });
            assert.match(await row.textContent(), /Màn hình giám sát.*main/);
          }
        }
        await shoot(s.page, name, size);
        // Nothing is wider than the screen.
        const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} at ${size.width} px overflows by ${overflow} px`);
      }
      // The language switch reloads the screen in English.
      await s.page.goto(`${server.base}/admin/units`);
      await loaded(s.page);
      await Promise.all([s.page.waitForURL(/\/admin\/units\?lang=en$/), s.page.click('.lang-switch')]);
      await loaded(s.page);
      assert.equal(await s.page.locator('h1').textContent(), 'Units');
      assert.equal(await s.page.locator('html').getAttribute('lang'), 'en');
      await shoot(s.page, 'units-en', size);
      assert.deepEqual(s.errors, []);
      await s.context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
