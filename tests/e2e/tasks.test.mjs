// "What is late and who owns it" in a real browser: the demo imports the five seed letters'
// tasks; the page is server-rendered, hydrated and follows `tasks/{province}` live. A leader's
// phone (390 px) and the wall (1080p, 4K).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, openWall, setupAdmin, ARTIFACTS } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
  assert.deepEqual(await setupAdmin(browser, server), [], 'setup page without errors');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const counter = (page, name) =>
  page.locator(`[data-counter="${name}"]`).getAttribute('data-value').then(Number);

for (const size of [
  { width: 390, height: 844, mobile: true, name: 'tasks-390x844.png' },
  { width: 1920, height: 1080, name: 'tasks-1920x1080.png' },
  { width: 3840, height: 2160, name: 'tasks-3840x2160.png' },
]) {
  test(`the late tasks by owner at ${size.width}×${size.height}`, async () => {
    const { page, context, errors } = await openWall(browser, `${server.base}/wall/tasks`, size);
    assert.equal(await page.locator('h1').textContent(), 'Nhiệm vụ chậm, ai chịu trách nhiệm');
    const overdue = await counter(page, 'overdue');
    assert.ok(overdue > 100, `overdue: ${overdue}`);
    assert.equal(await counter(page, 'owners'), await page.locator('.task-owner[data-owner]').count());
    // The Department of Finance owns the 2020 letter's tasks of the old Planning Department.
    const finance = page.locator('.task-owner[data-owner="dept-stc"]');
    assert.equal(await finance.locator('.task-owner-name').textContent(), 'Sở Tài chính');
    assert.match(await finance.locator('.task-as-written').first().textContent(), /Kế hoạch và Đầu tư/);
    assert.match(await finance.locator('.task.overdue .task-due').first().textContent(), /^Quá hạn \d+ ngày làm việc · hạn \d{2}\/\d{2}\/\d{4}$/);
    // Nothing spills sideways (a phone scrolls down only).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    // Legible from 3 m on the wall: the task text at least 1.5 % of the screen's height.
    const px = await page.locator('.task-content').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    if (!size.mobile) assert.ok(px >= size.height * 0.015, `task text ${px}px`);
    // The demo's regimes: reports past their deadline by unit, and the units' records.
    const lateReports = await counter(page, 'reports-late');
    assert.ok(lateReports > 0, `late reports: ${lateReports}`);
    const lateUnits = page.locator('.report-late [data-late-unit]');
    assert.ok((await lateUnits.count()) > 0);
    assert.match(await lateUnits.first().locator('.task-content').first().textContent(), /^Báo cáo /);
    const records = page.locator('.report-records tbody tr');
    assert.ok((await records.count()) > 0);
    const [due, onTime, late, missing] = await records.first().locator('td').allTextContents().then((t) => t.slice(1).map(Number));
    assert.equal(due, onTime + late + missing, 'a record adds up');
    // The first screen (the whole list is 151 owners long on a phone), and the records.
    await page.screenshot({ path: join(ARTIFACTS, size.name) });
    await page.locator('.report-records').screenshot({ path: join(ARTIFACTS, size.name.replace('tasks-', 'tasks-records-')) });
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the page in English', async () => {
  const { page, context, errors } = await openWall(browser, `${server.base}/wall/tasks?lang=en`, { width: 1280, height: 800 });
  assert.equal(await page.locator('h1').textContent(), 'What is late and who owns it');
  assert.match(await page.locator('.task.overdue .task-due').first().textContent(), /^\d+ working days late · due /);
  assert.deepEqual(errors, []);
  await context.close();
});
