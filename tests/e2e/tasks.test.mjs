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

// In a screen's rotation nobody scrolls: the tasks page shows a screenful of owners at a time,
// then the late reports and the records, and comes round again.
test('the tasks page in a screen rotation, a screenful at a time', async () => {
  const size = { width: 1920, height: 1080 };
  const { page, context, errors } = await openWall(browser, `${server.base}/wall/tasks`, size);
  const me = await (await context.request.get(`${server.base}/api/v1/me`)).json();
  const r = await context.request.post(`${server.base}/api/v1/screens`, {
    headers: { 'x-csrf-token': me.csrf_token },
    data: { code: 'dieu-hanh', name: 'Phòng điều hành', interval_s: 600, pages: [{ kind: 'tasks' }] },
  });
  assert.equal(r.status(), 201, await r.text());
  await page.goto(`${server.base}/wall/dieu-hanh`);
  const wall = page.locator('.screen[data-screen="dieu-hanh"] main.tasks-wall.paged');
  await page.waitForSelector('.screen[data-screen="dieu-hanh"] main.tasks-wall.paged[data-live="connected"] .task-owner[data-owner]', { timeout: 30_000 });
  const first = Number(await wall.getAttribute('data-subpage'));
  // Which owners are on screen, of how many: "1–3 / 151".
  const position = () => page.locator('.task-subpage').textContent();
  await page.waitForTimeout(500);
  const [range, total] = (await position()).split(' / ');
  assert.equal(Number(total), await counter(page, 'owners'));
  assert.match(range, /^1–\d+$/);
  await page.screenshot({ path: join(ARTIFACTS, 'screen-tasks-1920x1080.png') });
  // What is on screen fits it: no card runs off the bottom.
  const lowest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.task-owner[data-owner]')].map((e) => e.getBoundingClientRect().bottom)));
  assert.ok(lowest <= size.height, `a card ends at ${lowest}px`);
  const cards = await page.locator('.task-owner[data-owner]').count();
  assert.ok(cards > 1 && cards < await counter(page, 'owners'), `cards on screen: ${cards}`);
  // The next screenful comes by itself (8 s), with the next owners.
  const before = await page.locator('.task-owner[data-owner]').first().getAttribute('data-owner');
  await page.waitForFunction((n) => document.querySelector('main.tasks-wall.paged')?.getAttribute('data-subpage') === String(n), first + 1, { timeout: 15_000 });
  await page.waitForTimeout(500);
  const after = await page.locator('.task-owner[data-owner]').first().getAttribute('data-owner');
  assert.notEqual(after, before);
  assert.match(await position(), new RegExp(`^${cards + 1}–\\d+ / ${total}$`));
  assert.deepEqual(errors, []);
  await context.close();
});
