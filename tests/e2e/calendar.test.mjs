// The working calendar screen (/admin/calendar) in the browser: the announced 2026 schedule with
// its swap day and working Saturday, the expected 2027 one with the warning, adding a swap day
// (refused without a weekend repayment, then accepted) and deleting it; 1366 px and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, setupAdmin, signIn, ADMIN, ARTIFACTS } from './harness.mjs';

const PHONE = { width: 390, height: 844, mobile: true };
const DESKTOP = { width: 1366, height: 768 };

async function loaded(page) {
  await page.waitForFunction(() => !document.querySelector('.admin-loading'), null, { timeout: 30_000 });
  await page.waitForSelector('.calendar-table', { timeout: 30_000 });
}

async function showYear(page, year) {
  for (let i = 0; i < 5; i += 1) {
    const shown = Number((await page.locator('.calendar-year').textContent()).replace(/\D/g, ''));
    if (shown === year) break;
    await page.click(shown < year ? '.next-year' : '.prev-year');
    await page.waitForFunction((y) => document.querySelector('.calendar-year')?.textContent.includes(String(y)), year);
  }
  await page.waitForFunction(
    (y) => [...document.querySelectorAll('.calendar-table tr[data-day]')].some((r) => r.dataset.day.startsWith(`${y}-`)),
    year,
    { timeout: 30_000 },
  );
}

test('working calendar: announced and expected years, swap days, bad input', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    const { page, context, errors } = await signIn(browser, server, ADMIN, '/admin/calendar', DESKTOP);
    await loaded(page);
    assert.equal(await page.locator('[style]').count(), 0, 'no inline styles (CSP)');

    // 2026 (announced): the swap of Friday 2 January, repaid on Saturday 10 January.
    await showYear(page, 2026);
    const swap = page.locator('tr[data-day="2026-01-02"]');
    assert.equal(await swap.getAttribute('data-kind'), 'swap');
    assert.match(await swap.textContent(), /10\/01\/2026/);
    assert.match(await swap.textContent(), /Văn phòng Chính phủ/);
    assert.match(await swap.textContent(), /Đã công bố/);
    assert.equal(await page.locator('tr[data-day="2026-01-10"]').getAttribute('data-kind'), 'working');
    await page.screenshot({ path: join(ARTIFACTS, `admin-calendar-2026-${DESKTOP.width}x${DESKTOP.height}.png`), fullPage: true });

    // 2027: nothing announced — expected days and the warning.
    await showYear(page, 2027);
    assert.match(await page.locator('tr[data-day="2027-02-08"]').textContent(), /Dự kiến/);
    assert.match(await page.locator('.calendar-warning').first().textContent(), /2027/);
    assert.equal(await page.locator('.calendar-status').getAttribute('data-stored'), 'false');

    // Add a swap day repaid on a weekday: refused with the server's message, nothing stored.
    const form = page.locator('form.calendar-form');
    await form.locator('.field-day input').fill('12/02/2027');
    await form.locator('select').selectOption('swap');
    await form.locator('.field-repaid input').fill('17/02/2027');
    await form.locator('.field-name-vi input').fill('Nghỉ hoán đổi Tết');
    await form.locator('.field-name-en input').fill('Tết swap day off');
    await form.locator('.field-source input').fill('Thông báo số 1/TB-VPCP (ví dụ)');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('.notice-error:has-text("không phải thứ Bảy hoặc Chủ nhật")');
    assert.equal(await page.locator('.calendar-status').getAttribute('data-stored'), 'false');

    // Repaid on Saturday 20 February: stored, with the working Saturday.
    await form.locator('.field-repaid input').fill('20/02/2027');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('tr[data-day="2027-02-20"][data-kind="working"]', { timeout: 30_000 });
    assert.equal(await page.locator('tr[data-day="2027-02-12"]').getAttribute('data-kind'), 'swap');
    assert.match(await page.locator('tr[data-day="2027-02-12"]').textContent(), /Đã công bố/);
    await page.screenshot({ path: join(ARTIFACTS, `admin-calendar-${DESKTOP.width}x${DESKTOP.height}.png`), fullPage: true });

    // Delete it: the working Saturday goes with it.
    await page.locator('tr[data-day="2027-02-12"] button.delete').click();
    await page.waitForSelector('tr[data-day="2027-02-20"]', { state: 'detached', timeout: 30_000 });
    assert.deepEqual(errors.filter((e) => !/422|Unprocessable/.test(e)), []);
    await context.close();

    // The phone: cards, no horizontal overflow; English.
    const phone = await signIn(browser, server, ADMIN, '/admin/calendar?lang=en', PHONE);
    await loaded(phone.page);
    await showYear(phone.page, 2026);
    assert.match(await phone.page.locator('tr[data-day="2026-01-02"]').textContent(), /Swap day off/);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (${overflow})`);
    await phone.page.screenshot({ path: join(ARTIFACTS, `admin-calendar-${PHONE.width}x${PHONE.height}.png`), fullPage: true });
    await phone.page.screenshot({ path: join(ARTIFACTS, `admin-calendar-top-${PHONE.width}x${PHONE.height}.png`) });
    await phone.page.locator('form.calendar-form').scrollIntoViewIfNeeded();
    await phone.page.screenshot({ path: join(ARTIFACTS, `admin-calendar-form-${PHONE.width}x${PHONE.height}.png`) });
    assert.deepEqual(phone.errors, []);
    await phone.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
