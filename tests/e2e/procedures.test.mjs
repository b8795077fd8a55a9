// The procedures catalogue screen (/admin/procedures) in the browser: a refused file lists every
// bad row and writes nothing, the demo catalogue's file imports, the list filters; on a 390-px
// phone and a 1366-px desktop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, setupAdmin, signIn, ADMIN, ARTIFACTS, ROOT } from './harness.mjs';

const PHONE = { width: 390, height: 844, mobile: true };
const DESKTOP = { width: 1366, height: 768 };

test('procedures catalogue: import, refusal with every bad row, filters', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    const { page, context, errors } = await signIn(browser, server, ADMIN, '/admin/procedures', DESKTOP);
    await page.waitForSelector('.admin-empty');

    const bad = join(ARTIFACTS, 'procedures-bad.csv');
    writeFileSync(bad, 'Mã thủ tục,Tên thủ tục,Cấp thực hiện,Cơ quan thực hiện,Thời hạn giải quyết\n'
      + '1.001193,Đăng ký khai sinh,Cấp Xã,,Trong ngày\n'
      + '2.000001,Sở không có,Cấp Tỉnh,dept-khong-co,10 ngày làm việc\n'
      + '2.000002,Thời hạn sai,Cấp Xã,,mười ngày\n');
    await page.setInputFiles('input.procedure-file', bad);
    await page.waitForSelector('.import-rows li');
    const reasons = await page.locator('.import-rows li').allTextContents();
    assert.equal(reasons.length, 2, reasons.join('\n'));
    assert.match(reasons[0], /^Dòng 3: .*dept-khong-co/);
    assert.match(reasons[1], /^Dòng 4: .*mười ngày/);
    assert.ok(await page.locator('.admin-empty').isVisible(), 'nothing was written');

    await page.setInputFiles('input.procedure-file', join(ROOT, 'assets/demo/procedures.csv'));
    const receipt = page.locator('.procedure-receipt');
    await receipt.waitFor();
    const rows = readFileSync(join(ROOT, 'assets/demo/procedures.csv'), 'utf8').trim().split('\n').length - 1;
    assert.equal(await receipt.textContent(), `Đã nhập danh mục: ${rows} thêm mới, 0 cập nhật, 0 không đổi`);
    assert.equal(await page.locator('.import-rows li').count(), 0);
    await page.waitForSelector('.admin-table code:text-is("1.001193")');

    // Filters are a GET form: the list follows the address.
    await page.fill('input[name=q]', 'dang ky khai sinh');
    await page.selectOption('select[name=level]', 'commune');
    await Promise.all([page.waitForURL(/level=commune/), page.click('form.admin-filters button[type=submit]')]);
    await page.waitForFunction(() => document.querySelectorAll('.admin-table tbody').length === 1);
    assert.match(await page.locator('.admin-table tbody').textContent(), /Đăng ký khai sinh.*Cấp xã.*Trong ngày.*Toàn trình/s);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-procedures-1366x768.png'), fullPage: true });
    // The browser notes the refused file's 422 in the console; nothing else may be there.
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    await context.close();

    const phone = await signIn(browser, server, ADMIN, '/admin/procedures?unit=dept-stp&lang=en', PHONE);
    await phone.page.waitForSelector('.admin-table code:text-is("dept-stp")');
    assert.match(await phone.page.locator('h1').textContent(), /Administrative procedures/);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no sideways scrolling on a phone');
    await phone.page.screenshot({ path: join(ARTIFACTS, 'admin-procedures-390x844.png'), fullPage: true });
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
