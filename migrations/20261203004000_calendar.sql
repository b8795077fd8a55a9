-- The working calendar (server/src/calendar): days off, swap days and working weekend days, each
-- with its legal source and whether the Government announced it or the rules expect it.
-- Replaces `holidays` (a list of days off only: no swap days, no working Saturdays, no source).
-- A year with rows here uses exactly these rows; a year without rows uses the rules (Labour Code
-- 2019 art. 112, lunar dates of the Vietnamese calendar), marked expected.
CREATE TABLE calendar_days (
    day       date PRIMARY KEY,
    -- holiday: a public holiday; compensatory: off because a holiday fell on a weekend;
    -- swap: a weekday off repaid by working `repaid_on`; working: a weekend day worked.
    kind      text NOT NULL CHECK (kind IN ('holiday', 'compensatory', 'swap', 'working')),
    name_vi   text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en   text NOT NULL CHECK (btrim(name_en) <> ''),
    source    text NOT NULL DEFAULT '',
    announced boolean NOT NULL,
    repaid_on date UNIQUE REFERENCES calendar_days (day) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((kind = 'swap') = (repaid_on IS NOT NULL)),
    CHECK (kind <> 'swap' OR extract(isodow FROM day) <= 5),
    CHECK (kind <> 'working' OR extract(isodow FROM day) >= 6),
    CHECK (repaid_on IS NULL OR extract(isodow FROM repaid_on) >= 6)
);

-- Days an administrator added through the old API outside the seeded years stay, as announced
-- (the 2027 rows of the old seed were computed, not announced: the rules now give them).
INSERT INTO calendar_days (day, kind, name_vi, name_en, source, announced)
SELECT day, 'holiday', name_vi, name_en, 'holidays (bảng cũ)', true FROM holidays
WHERE extract(year FROM day) NOT IN (2024, 2025, 2026, 2027);

DROP TABLE holidays;

-- The announced schedules 2024–2026.
INSERT INTO calendar_days (day, kind, name_vi, name_en, source, announced, repaid_on) VALUES
    ('2024-01-01', 'holiday', 'Tết Dương lịch', 'New Year''s Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2024-02-08', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2024 của cán bộ, công chức, viên chức do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 08/02 đến hết 14/02/2024', true, NULL),
    ('2024-02-09', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2024 của cán bộ, công chức, viên chức do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 08/02 đến hết 14/02/2024', true, NULL),
    ('2024-02-12', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2024 của cán bộ, công chức, viên chức do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 08/02 đến hết 14/02/2024', true, NULL),
    ('2024-02-13', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2024 của cán bộ, công chức, viên chức do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 08/02 đến hết 14/02/2024', true, NULL),
    ('2024-02-14', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2024 của cán bộ, công chức, viên chức do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 08/02 đến hết 14/02/2024', true, NULL),
    ('2024-04-18', 'holiday', 'Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration', 'Bộ luật Lao động 2019, Điều 112 (10/3 âm lịch)', true, NULL),
    ('2024-05-04', 'working', 'Làm bù cho thứ Hai 29/4/2024', 'Working Saturday (repays Monday 29 April 2024)', 'Công văn số 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4 và 1/5/2024)', true, NULL),
    ('2024-04-29', 'swap', 'Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)', 'Swap day off (worked on Saturday 4 May 2024)', 'Công văn số 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4 và 1/5/2024)', true, '2024-05-04'),
    ('2024-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2024-05-01', 'holiday', 'Quốc tế Lao động', 'International Labour Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2024-09-02', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2024 do Bộ LĐ-TB&XH thông báo (02–03/9/2024)', true, NULL),
    ('2024-09-03', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2024 do Bộ LĐ-TB&XH thông báo (02–03/9/2024)', true, NULL),

    ('2025-01-01', 'holiday', 'Tết Dương lịch', 'New Year''s Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2025-01-27', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2025 do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 25/01 đến hết 02/02/2025', true, NULL),
    ('2025-01-28', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2025 do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 25/01 đến hết 02/02/2025', true, NULL),
    ('2025-01-29', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2025 do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 25/01 đến hết 02/02/2025', true, NULL),
    ('2025-01-30', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2025 do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 25/01 đến hết 02/02/2025', true, NULL),
    ('2025-01-31', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2025 do Bộ LĐ-TB&XH thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ 25/01 đến hết 02/02/2025', true, NULL),
    ('2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration', 'Bộ luật Lao động 2019, Điều 112 (10/3 âm lịch)', true, NULL),
    ('2025-04-26', 'working', 'Làm bù cho thứ Sáu 02/5/2025', 'Working Saturday (repays Friday 2 May 2025)', 'Văn bản của Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng Chính phủ đồng ý hoán đổi ngày làm việc dịp 30/4 và 1/5/2025 (số hiệu cần đối chiếu)', true, NULL),
    ('2025-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2025-05-01', 'holiday', 'Quốc tế Lao động', 'International Labour Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2025-05-02', 'swap', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)', 'Swap day off (worked on Saturday 26 April 2025)', 'Văn bản của Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng Chính phủ đồng ý hoán đổi ngày làm việc dịp 30/4 và 1/5/2025 (số hiệu cần đối chiếu)', true, '2025-04-26'),
    ('2025-09-01', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2025 (01–02/9/2025)', true, NULL),
    ('2025-09-02', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2025 (01–02/9/2025)', true, NULL),

    ('2026-01-01', 'holiday', 'Tết Dương lịch', 'New Year''s Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2026-01-10', 'working', 'Làm bù cho thứ Sáu 02/01/2026', 'Working Saturday (repays Friday 2 January 2026)', 'Văn bản ngày 25/12/2025 của Văn phòng Chính phủ truyền đạt ý kiến Phó Thủ tướng Phạm Thị Thanh Trà đồng ý phương án nghỉ Tết Dương lịch 2026 của Bộ Nội vụ (số hiệu cần đối chiếu)', true, NULL),
    ('2026-01-02', 'swap', 'Nghỉ hoán đổi Tết Dương lịch (làm bù thứ Bảy 10/01/2026)', 'New Year swap day off (worked on Saturday 10 January 2026)', 'Văn bản ngày 25/12/2025 của Văn phòng Chính phủ truyền đạt ý kiến Phó Thủ tướng Phạm Thị Thanh Trà đồng ý phương án nghỉ Tết Dương lịch 2026 của Bộ Nội vụ (số hiệu cần đối chiếu)', true, '2026-01-10'),
    ('2026-02-16', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2026 do Bộ Nội vụ thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026', true, NULL),
    ('2026-02-17', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2026 do Bộ Nội vụ thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026', true, NULL),
    ('2026-02-18', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2026 do Bộ Nội vụ thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026', true, NULL),
    ('2026-02-19', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2026 do Bộ Nội vụ thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026', true, NULL),
    ('2026-02-20', 'holiday', 'Tết Nguyên đán', 'Lunar New Year (Tết)', 'Lịch nghỉ Tết Âm lịch 2026 do Bộ Nội vụ thông báo theo ý kiến Thủ tướng Chính phủ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026', true, NULL),
    ('2026-04-26', 'holiday', 'Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration', 'Bộ luật Lao động 2019, Điều 112 (10/3 âm lịch, Chủ nhật)', true, NULL),
    ('2026-04-27', 'compensatory', 'Giỗ Tổ Hùng Vương (nghỉ bù)', 'Hung Kings'' Commemoration (substitute day off)', 'Bộ luật Lao động 2019, Điều 111 khoản 3 (ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp)', true, NULL),
    ('2026-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2026-05-01', 'holiday', 'Quốc tế Lao động', 'International Labour Day', 'Bộ luật Lao động 2019, Điều 112', true, NULL),
    ('2026-09-01', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2026 (01–02/9/2026)', true, NULL),
    ('2026-09-02', 'holiday', 'Quốc khánh', 'National Day', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ Quốc khánh 2026 (01–02/9/2026)', true, NULL);

-- Deadline rules say whether day N is the last allowed day ("chậm nhất ngày N": 'by') or the
-- first late one ("trước ngày N": 'before'). Seed 000: units submit "chậm nhất vào ngày 02",
-- the province sends "trước ngày 03" of the next month.
ALTER TABLE indicator_groups
    ADD COLUMN submit_bound text NOT NULL DEFAULT 'by' CHECK (submit_bound IN ('by', 'before')),
    ADD COLUMN send_bound   text NOT NULL DEFAULT 'by' CHECK (send_bound IN ('by', 'before'));
UPDATE indicator_groups SET send_bound = 'before' WHERE code = 'monthly-gov';
