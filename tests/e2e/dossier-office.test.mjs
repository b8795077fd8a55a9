// The dossier office screens in the browser: a commune's staff member sees the commune's overdue
// dossier (posted through the API by a one-stop system's token), is told bilingually why a slip
// was refused, issues an apology slip, opens and prints it. Screenshots: the list on a 390-px
// phone, the slip at an A4-like 1240×1754 (Vietnamese, English, and as printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, setupAdmin, signIn, createUser, newPage, ADMIN, ARTIFACTS, ROOT } from './harness.mjs';

const PHONE = { width: 390, height: 844, mobile: true };
const A4 = { width: 1240, height: 1754 };
const STAFF = { username: 'can.bo.anhson', password: 'mat-khau-can-bo-2026', name: 'Trần Thị Bình' };
const ANH_SON = '17329';
const DAY = 24 * 3600 * 1000;

/// A local (Vietnam) date `days` from now, `YYYY-MM-DD`.
function vnDate(days) {
  return new Date(Date.now() + 7 * 3600 * 1000 + days * DAY).toISOString().slice(0, 10);
}
function dmy(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

async function postEvents(server, token, events) {
  const r = await fetch(`${server.base}/api/v1/dossier-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ events }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const receipt = await r.json();
  assert.deepEqual(receipt.items.map((i) => i.outcome), events.map(() => 'stored'), JSON.stringify(receipt));
}

/// Opens the printable slip at `path` signed in as `user` (the page has no navigation, so it is
/// ready when the sheet is there).
async function openSlip(browser, server, user, path, size) {
  const { page, context, errors } = await newPage(browser, size);
  await page.goto(`${server.base}${path}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await Promise.all([page.waitForURL(/\/apologies\//), page.click('form[action^="/auth/login"] button[type=submit]')]);
  await page.waitForSelector('.slip-sheet', { timeout: 30_000 });
  return { page, context, errors };
}

/// A birth registration at Anh Sơn received `ago` days ago, promised for `due` (a local date).
function dossier(id, ago, due) {
  const received = new Date(Date.now() - ago * DAY).toISOString();
  return {
    dossier_id: id, seq: 1, status: 4, event_at: received, procedure: '1.001193',
    unit: ANH_SON, commune: ANH_SON, channel: 2, received_at: received, due_date: due,
  };
}

test('dossier office: overdue list, a refused and an issued apology slip, the printable slip', async () => {
  const server = await startServer({ demo: false });
  const browser = await launchBrowser();
  try {
    await setupAdmin(browser, server);
    // The administrator imports the procedures catalogue (the demo file), as on /admin/procedures.
    const admin = await signIn(browser, server, ADMIN, '/admin/procedures', { width: 1280, height: 800 });
    const csv = readFileSync(join(ROOT, 'assets/demo/procedures.csv'), 'utf8');
    const imported = await admin.page.evaluate(async (body) => {
      const me = await (await fetch('/api/v1/me')).json();
      const r = await fetch('/api/v1/procedures/import', {
        method: 'POST', body, headers: { 'content-type': 'text/csv', 'x-csrf-token': me.csrf_token },
      });
      return r.status;
    }, csv);
    assert.equal(imported, 200);
    // … and the communes' boundaries for the wall's map: a bad file lists every bad feature.
    const square = (lon, lat) => ({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.05, lat], [lon + 0.05, lat + 0.05], [lon, lat + 0.05], [lon, lat]]] });
    const feature = (properties, geometry) => ({ type: 'Feature', properties, geometry });
    const badShapes = join(ARTIFACTS, 'communes-bad.geojson');
    writeFileSync(badShapes, JSON.stringify({ type: 'FeatureCollection', features: [
      feature({ code: ANH_SON }, square(104.9, 18.8)),
      feature({ code: '00070' }, square(105.8, 21.0)),
      feature({ ma_xa: '17380' }, square(18.8, 104.9)),
    ] }));
    await admin.page.setInputFiles('input.shapes-file', badShapes);
    await admin.page.waitForSelector('.shapes-import .import-rows li');
    const refused = await admin.page.locator('.shapes-import .import-rows li').allTextContents();
    assert.equal(refused.length, 2, refused.join('\n'));
    assert.match(refused[0], /^features\[1\]: Mã 00070 không phải xã/);
    assert.match(refused[1], /^features\[2\]: .*ngoài lãnh thổ Việt Nam/);
    const goodShapes = join(ARTIFACTS, 'communes-good.geojson');
    writeFileSync(goodShapes, JSON.stringify({ type: 'FeatureCollection', features: [
      feature({ code: ANH_SON }, square(104.9, 18.8)), feature({ ma_xa: 17380 }, square(105.0, 18.9)),
    ] }));
    await admin.page.setInputFiles('input.shapes-file', goodShapes);
    await admin.page.waitForSelector('.shapes-receipt');
    assert.match(await admin.page.locator('.shapes-receipt').textContent(), /^Đã nhập ranh giới của 2 xã, phường/);
    await admin.page.locator('.shapes-import').screenshot({ path: join(ARTIFACTS, 'admin-shapes-1280.png') });
    assert.deepEqual(admin.errors.filter((e) => !/status of 422/.test(e)), []);
    await admin.context.close();

    const token = server.admin(['create-token', '--unit=40', '--scope=dossiers:write', '--name=Hệ thống một cửa']);
    await postEvents(server, token, [
      dossier('HS-E2E-1', 20, vnDate(-19)),
      dossier('HS-E2E-2', 0, vnDate(1)),
      dossier('HS-E2E-3', 0, vnDate(10)),
    ]);
    createUser(server, STAFF, [`unit_editor:${ANH_SON}`], ANH_SON);

    // The commune's staff on a phone: the overdue dossier first, with its age.
    const phone = await signIn(browser, server, STAFF, '/dossiers', PHONE);
    const { page } = phone;
    const late = page.locator('.dossiers-overdue .dossier-card[data-id="HS-E2E-1"]');
    await late.waitFor({ timeout: 30_000 });
    assert.match(await late.textContent(), /\d+ ngày làm việc trễ hạn/);
    assert.match(await late.textContent(), new RegExp(dmy(vnDate(-19))));
    const soon = page.locator('.dossiers-open .dossier-card[data-id="HS-E2E-2"]');
    assert.match(await soon.textContent(), /Sắp đến hạn/);
    const inTime = page.locator('.dossiers-open .dossier-card[data-id="HS-E2E-3"]');
    assert.match(await inTime.textContent(), /Trong hạn/);
    assert.equal(await inTime.locator('.issue-slip').count(), 0, 'no slip for a dossier well in time');
    assert.match(await page.locator('.admin-nav').textContent(), /Hồ sơ TTHC/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no sideways scrolling on a phone');
    await page.screenshot({ path: join(ARTIFACTS, 'dossier-office-390x844.png'), fullPage: true });

    // A slip promising no later date than the current one: the API's reason, in Vietnamese.
    await soon.locator('.issue-slip').click();
    await soon.locator('textarea[name=reason]').fill('Chờ kết quả xác minh');
    await soon.locator('input[name=new_due]').fill(vnDate(1));
    await soon.locator('.slip-form button[type=submit]').click();
    await soon.locator('.notice-error').waitFor();
    assert.equal(await soon.locator('.notice-error').textContent(), 'Ngày hẹn mới phải sau ngày hẹn hiện tại');

    // The overdue dossier's slip: issued, then printable.
    await late.locator('.issue-slip').click();
    await late.locator('textarea[name=reason]').fill('Chờ cơ quan khác xác minh thông tin hộ tịch');
    await late.locator('input[name=new_due]').fill(vnDate(7));
    await page.screenshot({ path: join(ARTIFACTS, 'dossier-office-slip-form-390x844.png'), fullPage: true });
    await late.locator('.slip-form button[type=submit]').click();
    const issued = page.locator('.slip-issued');
    await issued.waitFor();
    assert.match(await issued.textContent(), /Đã lập phiếu xin lỗi lần 1 – HS-E2E-1/);
    // The list reloads: the dossier is still overdue (against its first date), postponed once.
    await page.waitForSelector('.dossier-card[data-id="HS-E2E-1"] .slip-link');
    assert.match(await page.locator('.dossier-card[data-id="HS-E2E-1"]').textContent(), /Đã hẹn lại1 lần/);
    await Promise.all([page.waitForURL(/\/dossiers\/HS-E2E-1\/apologies\/1$/), issued.locator('a').click()]);
    await page.waitForSelector('.slip-sheet');
    await page.screenshot({ path: join(ARTIFACTS, 'dossier-slip-390x844.png'), fullPage: true });
    assert.deepEqual(phone.errors.filter((e) => !/status of 422/.test(e)), []);
    await phone.context.close();

    // The slip on an A4-like page: the decree's form, filled.
    const desk = await openSlip(browser, server, STAFF, '/dossiers/HS-E2E-1/apologies/1', A4);
    const sheet = desk.page.locator('.slip-sheet');
    await sheet.waitFor({ timeout: 30_000 });
    const text = await sheet.textContent();
    for (const part of [
      'ỦY BAN NHÂN DÂN', 'XÃ ANH SƠN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', '(Lần 1)', 'Kính gửi:', 'Mã số hồ sơ: HS-E2E-1.',
      `ngày ${dmy(vnDate(-19))}`, 'Chờ cơ quan khác xác minh thông tin hộ tịch', `vào ngày ${dmy(vnDate(7))}`,
      'Ủy ban nhân dân xã Anh Sơn xin lỗi', 'NGƯỜI LẬP PHIẾU', 'THỦ TRƯỞNG CƠ QUAN',
    ]) {
      assert.ok(text.includes(part), `${part} in ${text}`);
    }
    assert.match(text, /Anh Sơn, ngày \d\d tháng \d{1,2} năm \d{4}/);
    assert.ok(!text.includes('Trần Thị Bình'), 'no personal name on the form');
    await desk.page.screenshot({ path: join(ARTIFACTS, 'dossier-slip-1240x1754.png'), fullPage: true });
    // As printed: the sheet alone, on white, in the A4 page's printable box (210 × 297 mm less the
    // decree's margins: 165 × 257 mm, 624 × 971 px at 96 dpi).
    await desk.page.emulateMedia({ media: 'print' });
    assert.equal(await desk.page.locator('.slip-toolbar').isVisible(), false);
    await desk.page.setViewportSize({ width: 624, height: 971 });
    await desk.page.screenshot({ path: join(ARTIFACTS, 'dossier-slip-print-a4.png'), fullPage: true });
    const pdf = await desk.page.pdf({ preferCSSPageSize: true });
    writeFileSync(join(ARTIFACTS, 'dossier-slip.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 1, 'the slip fits one A4 page');
    await desk.page.emulateMedia({ media: 'screen' });
    assert.deepEqual(desk.errors, []);
    await desk.context.close();

    // The English rendering keeps the layout.
    const en = await openSlip(browser, server, STAFF, '/dossiers/HS-E2E-1/apologies/1?lang=en', A4);
    await en.page.waitForSelector('.slip-sheet');
    const english = await en.page.locator('.slip-sheet').textContent();
    assert.match(english, /LETTER OF APOLOGY AND NEW DATE FOR THE RESULT/);
    assert.match(english, /Dossier code: HS-E2E-1\./);
    await en.page.screenshot({ path: join(ARTIFACTS, 'dossier-slip-en-1240x1754.png'), fullPage: true });
    assert.deepEqual(en.errors, []);
    await en.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
