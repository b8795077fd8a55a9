// Monthly figures from entry to the Government, in the browser: the catalogue editor sets a
// warning threshold; a Department of Finance editor enters figures (Vietnamese and plain number
// formats), meets that warning, explains it and submits; the approver returns the report with a
// comment; the editor reads it, fixes and resubmits (the approver's board follows live); the
// approver approves; the delivery page lists the message; the Excel template downloads and an
// import fills the form. Screens at 390×844 and 1366×768 go to tests/artifacts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startServer, launchBrowser, setupAdmin, signIn, createUser, fmtVi, ADMIN, ARTIFACTS } from './harness.mjs';
import { fillTemplate } from './entry-xlsx.mjs';

const PHONE = { width: 390, height: 844, mobile: true };
const DESKTOP = { width: 1366, height: 768 };
const EDITOR = { username: 'bientap.stc', password: 'mat-khau-bien-tap-stc', name: 'Lê Thị Tài' };
const APPROVER = { username: 'pheduyet.ubnd', password: 'mat-khau-phe-duyet-1', name: 'Phạm Văn Duyệt' };
const UNIT = 'dept-stc';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function shoot(page, name, size) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
}

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} overflows by ${overflow} px`);
}

/// The report form is loaded (rows rendered by the hydrated page).
async function formLoaded(page) {
  await page.waitForSelector('.entry-row', { timeout: 30_000 });
}

const field = (page, series, kind = 'estimate') => page.locator(`.entry-row[data-series="${series}"] .figure-panel[data-kind="${kind}"]`);

test('entry, approval and delivery of monthly figures', async (t) => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    createUser(server, EDITOR, [`unit_editor:${UNIT}`], UNIT);
    createUser(server, APPROVER, ['approver']);
    const admin = await signIn(browser, server, ADMIN, '/admin/indicators', DESKTOP);
    const editor = await signIn(browser, server, EDITOR, '/entry', PHONE);
    const approver = await signIn(browser, server, APPROVER, '/approve', DESKTOP);

    // The catalogue editor: a warning threshold for budget revenue, saved and read back.
    let warnHigh;
    await t.test('the catalogue editor saves a threshold', async () => {
      const { page } = admin;
      const row = page.locator('tbody.row-group[data-code="budget_revenue"]');
      await row.locator('button').click();
      const form = row.locator('.indicator-form');
      await form.locator('label.warn-high input').fill('3.000');
      await form.locator('button[type=submit]').click();
      await page.waitForSelector('.notice-ok:has-text("Đã lưu")');
      const def = await page.evaluate(async () => (await (await fetch('/api/v1/indicators')).json()).find((d) => d.code === 'budget_revenue'));
      assert.equal(def.warn_high, 3000, 'the Vietnamese "3.000" is three thousand');
      warnHigh = def.warn_high;
      assert.match(await row.textContent(), /Cảnh báo trên 3000/);
    });

    await t.test('the deadline rule switches to working days', async () => {
      const { page } = admin;
      const form = page.locator('form.rule-form[data-group="monthly-gov"]');
      assert.equal(await form.locator('.submit-day input').inputValue(), '2', 'seed 000: the 2nd');
      assert.equal(await form.locator('.submit-before input').isChecked(), false, 'seed 000: by the 2nd (inclusive)');
      assert.equal(await form.locator('.send-before input').isChecked(), true, 'seed 000: before the 3rd');
      await form.locator('.working-days input').check();
      await form.locator('button[type=submit]').click();
      await form.locator('.notice-ok').waitFor();
      const groups = await page.evaluate(async () => (await (await fetch('/api/v1/indicator-groups')).json()));
      assert.equal(groups.find((g) => g.code === 'monthly-gov').working_days, true);
      // Back to calendar days, as the rest of this test expects.
      await form.locator('.working-days input').uncheck();
      await form.locator('button[type=submit]').click();
      await page.waitForFunction(async () => !(await (await fetch('/api/v1/indicator-groups')).json())[0].working_days);
    });

    await t.test('the catalogue page imports history from a CSV file, once', async () => {
      const { page } = admin;
      const file = join(ARTIFACTS, 'history-import.csv');
      writeFileSync(file, 'indicator,area,period,value\nexports,40,2019-01,95.5\nexports,40,2019-02,101.25\n');
      await page.setInputFiles('input.history-file', file);
      const receipt = page.locator('.history-receipt');
      await receipt.waitFor();
      assert.match(await receipt.textContent(), /Đã nhập: 2 dòng \(0 không đổi\) · 2019-01 → 2019-02 · exports/);
      await page.setInputFiles('input.history-file', file);
      await page.waitForSelector('.history-receipt:has-text("(2 không đổi)")');
      const series = await page.evaluate(async () =>
        (await (await fetch('/api/v1/indicators/exports/series?from=2019-01&to=2019-12')).json()).months.map((m) => [m.period, m.value, m.ytd]));
      assert.deepEqual(series, [['2019-01', 95.5, 95.5], ['2019-02', 101.25, 196.75]]);
    });

    // My reports: periods with their cards, reminders matching the late / due-soon reports.
    let reportPath;
    let reminded;
    await t.test('the editor sees the reports by period with reminders', async () => {
      const { page } = editor;
      await page.waitForSelector('.report-card');
      const sections = page.locator('section.period');
      assert.ok((await sections.count()) >= 2, 'the current period and earlier ones');
      const current = await sections.first().getAttribute('data-period');
      // Reminders cover what the live board covers: the current period and the one before.
      let urgent = 0;
      for (const i of [0, 1]) {
        urgent += await sections.nth(i).locator('.report-card:has([data-deadline="late"]), .report-card:has([data-deadline="due_soon"])').count();
      }
      assert.equal(await page.locator('.reminder').count(), urgent, 'one reminder per recent report due soon or late');
      // The report to work on: the one a reminder points at, else the current period's.
      reminded = (await page.locator('.reminder').count()) > 0;
      reportPath = reminded ? await page.locator('.reminder').first().getAttribute('href') : `/entry/${UNIT}/${current}`;
      assert.match(reportPath, new RegExp(`^/entry/${UNIT}/\\d{4}-\\d{2}$`));
      await shoot(page, 'entry-list', PHONE);
      await noOverflow(page, '/entry at 390 px');
    });

    // Entry: Vietnamese and plain numbers, a warning that needs a note, then submission.
    await t.test('the editor enters figures, explains a warning and submits', async () => {
      const page = await editor.context.newPage();
      await page.goto(`${server.base}${reportPath}`);
      await formLoaded(page);
      assert.equal(await page.locator('.report-head [data-status]').getAttribute('data-status'), 'draft');
      await field(page, 'budget_revenue').locator('input.figure-value').fill('3.456,7');
      await field(page, 'public_investment').locator('input.figure-value').fill('1234.5');
      // A report is submitted whole: every indicator the unit reports has a figure.
      await field(page, 'new_enterprises').locator('input.figure-value').fill('142');
      await field(page, 'new_enterprise_capital').locator('input.figure-value').fill('2.318,4');
      assert.match(await field(page, 'public_investment').textContent(), /Đọc là 1\.234,5/);
      await page.click('button.save');
      const warning = field(page, 'budget_revenue').locator('.finding-warning');
      await warning.waitFor();
      // The server writes the threshold the Vietnamese way ("3.000,0").
      assert.ok((await warning.textContent()).includes(fmtVi(warnHigh, 1)), await warning.textContent());
      assert.equal(await field(page, 'budget_revenue').locator('textarea.figure-note').count(), 1, 'a note field appears');
      assert.match(await page.locator('.notice-warn').textContent(), /giải trình/);
      await shoot(page, 'entry-form-warning', PHONE);
      await noOverflow(page, 'the entry form at 390 px');
      await field(page, 'budget_revenue').locator('textarea.figure-note').fill('Thu tiền sử dụng đất của dự án lớn trong tháng');
      await page.click('button.save');
      await page.waitForSelector('.notice-ok:has-text("Đã lưu số liệu")');
      assert.equal(await field(page, 'budget_revenue').locator('input.figure-value').inputValue(), '3.456,7');
      assert.equal(await field(page, 'public_investment').locator('input.figure-value').inputValue(), '1.234,5');
      // Submission follows on the approver's board live.
      await approver.page.waitForSelector('.live-badge.conn-connected', { timeout: 30_000 });
      await page.click('button.submit');
      await page.waitForSelector('.report-head [data-status="submitted"]');
      if (reminded) {
        // The reminder on the list (open in the other tab) goes away without a reload.
        await editor.page.waitForSelector(`.reminder[href="${reportPath}"]`, { state: 'detached', timeout: 15_000 });
      }
      await page.close();
    });

    await t.test('the approver returns it with a comment', async () => {
      const { page } = approver;
      const period = reportPath.split('/').pop();
      if (!page.url().includes(period)) {
        await page.goto(`${server.base}/approve?period=${period}`);
      }
      await page.waitForSelector(`tr[data-unit="${UNIT}"] [data-status="submitted"]`, { timeout: 15_000 });
      await shoot(page, 'approve-board', DESKTOP);
      await page.locator(`tr[data-unit="${UNIT}"] a.open`).click();
      await formLoaded(page);
      assert.equal(await page.locator('.entry-row input').count(), 0, 'the approver reads, does not type');
      assert.match(await page.locator('.entry-row[data-series="budget_revenue"] .figure-note-read').textContent(), /Thu tiền sử dụng đất/);
      assert.equal(await page.locator('.entry-row[data-series="budget_revenue"] .figure-panel[data-kind="estimate"] .finding-warning').count(), 1);
      await page.click('button.return');
      await page.waitForSelector('.notice-warn:has-text("lý do")');
      await page.fill('textarea.return-comment-input', 'Đề nghị kiểm tra lại số thu ngân sách tháng');
      await shoot(page, 'approve-report', DESKTOP);
      await page.click('button.return');
      await page.waitForSelector('.report-head [data-status="returned"]');
      await page.click('a.back');
      await page.waitForSelector(`tr[data-unit="${UNIT}"] [data-status="returned"]`);
      await page.waitForSelector('.live-badge.conn-connected', { timeout: 30_000 });
    });

    await t.test('the editor reads the comment, fixes and resubmits', async () => {
      const page = await editor.context.newPage();
      await page.goto(`${server.base}${reportPath}`);
      await formLoaded(page);
      assert.match(await page.locator('.return-comment').textContent(), /Đề nghị kiểm tra lại số thu ngân sách tháng/);
      await field(page, 'budget_revenue').locator('input.figure-value').fill('2.950');
      await field(page, 'budget_revenue').locator('textarea.figure-note').fill('');
      await shoot(page, 'entry-form-returned', PHONE);
      await page.click('button.submit');
      await page.waitForSelector('.report-head [data-status="submitted"]');
      assert.equal(await page.locator('.return-comment').count(), 0);
      const revision = Number(await page.locator('.report-head .revision').textContent());
      assert.ok(revision >= 2, `a new revision after the return (got ${revision})`);
      // History: every entry, newest first, the fixed value on top.
      await page.click('details.history summary');
      await page.waitForSelector('.history-table tbody tr');
      assert.ok((await page.locator('.history-table tbody tr').count()) >= 3);
      assert.match(await page.locator('.history-table tbody tr').first().textContent(), /2\.950,0/);
      await page.close();
    });

    await t.test('the approver board updates live, then the approver approves', async () => {
      const { page } = approver;
      // No reload: the resubmission arrives over the WebSocket.
      await page.waitForSelector(`tr[data-unit="${UNIT}"] [data-status="submitted"]`, { timeout: 15_000 });
      await page.locator(`tr[data-unit="${UNIT}"] a.open`).click();
      await formLoaded(page);
      await page.click('button.approve');
      await page.waitForSelector('.report-head [data-status="approved"], .report-head [data-status="sent"]');
    });

    await t.test('the Excel template downloads and an import fills the form', async () => {
      const page = await editor.context.newPage();
      const other = `/entry/${UNIT}/${previousPeriod(reportPath)}`;
      await page.goto(`${server.base}${other}`);
      await formLoaded(page);
      const href = await page.locator('a.template').getAttribute('href');
      const download = await page.evaluate(async (h) => {
        const r = await fetch(h);
        return { type: r.headers.get('content-type'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
      }, href);
      assert.equal(download.type, XLSX);
      const filled = fillTemplate(Buffer.from(download.bytes), { new_enterprises: '187', budget_revenue: '2.100,5' });
      await page.locator('input.import-file').setInputFiles({ name: 'bao-cao.xlsx', mimeType: XLSX, buffer: filled });
      await page.waitForSelector('.notice-ok:has-text("Đã nhập số liệu từ tệp")');
      assert.equal(await field(page, 'new_enterprises').locator('input.figure-value').inputValue(), '187');
      assert.equal(await field(page, 'budget_revenue').locator('input.figure-value').inputValue(), '2.100,5');
      await page.close();
    });

    await t.test('the delivery page lists the message', async () => {
      const probe = await approver.page.evaluate(async () => (await fetch('/api/v1/central/deliveries')).status);
      assert.equal(probe, 200, 'GET /api/v1/central/deliveries is served');
      const { page } = approver;
      await page.goto(`${server.base}/delivery`);
      await page.waitForSelector('.delivery-counts');
      await page.waitForSelector(`.delivery-table tbody tr:has-text("${reportPath.split('/').pop().split('-').reverse().join('/')}")`);
    });

    // Every screen on a phone and a desktop; nothing wider than the screen; no script errors.
    await t.test('screens at 390 and 1366 px', async () => {
      for (const size of [PHONE, DESKTOP]) {
        const e = await signIn(browser, server, EDITOR, '/entry', size);
        await e.page.waitForSelector('.report-card');
        await shoot(e.page, 'entry-list', size);
        await noOverflow(e.page, `/entry at ${size.width}`);
        await e.page.goto(`${server.base}${reportPath}`);
        await formLoaded(e.page);
        await shoot(e.page, 'entry-form', size);
        await noOverflow(e.page, `the form at ${size.width}`);
        assert.deepEqual(e.errors, []);
        await e.context.close();
        const a = await signIn(browser, server, APPROVER, `/approve?period=${reportPath.split('/').pop()}`, size);
        await a.page.waitForSelector(`tr[data-unit="${UNIT}"]`);
        await shoot(a.page, 'approve', size);
        await noOverflow(a.page, `/approve at ${size.width}`);
        await a.page.goto(`${server.base}/delivery`);
        await a.page.waitForSelector('.delivery-counts, .notice-error');
        await shoot(a.page, 'delivery', size);
        await noOverflow(a.page, `/delivery at ${size.width}`);
        await a.context.close();
        const m = await signIn(browser, server, ADMIN, '/admin/indicators', size);
        await m.page.waitForSelector('tbody.row-group[data-code="budget_revenue"]');
        await m.page.locator('tbody.row-group[data-code="budget_revenue"] button').click();
        await shoot(m.page, 'admin-indicators', size);
        await noOverflow(m.page, `/admin/indicators at ${size.width}`);
        assert.deepEqual(m.errors, []);
        await m.context.close();
      }
      assert.deepEqual(unexpected(editor.errors), []);
      assert.deepEqual(admin.errors, []);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
});

/// The month before the report's period (another report, for the import).
function previousPeriod(path) {
  const [y, m] = path.split('/').pop().split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/// Console errors other than the browser's note of an expected refusal (the 422 of a warning).
const unexpected = (errors) => errors.filter((e) => !/status of 422/.test(e));
