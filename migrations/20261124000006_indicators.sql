-- Socio-economic indicators as business records: the catalogue, deadlines, submissions with
-- revisions, the approved figures, the outbox towards the Government reporting system, and the
-- stored topics (deadline boards) of the live hub.

-- Deadline rules are per indicator group (seed 000: units submit by the 2nd of the next month,
-- the province sends by the 3rd). With `working_days`, "day N" is the N-th working day of the
-- next month (weekends and the `holidays` below excluded) instead of the N-th calendar day.
CREATE TABLE indicator_groups (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]{0,63}$'),
    name_vi       text NOT NULL CHECK (name_vi <> ''),
    name_en       text NOT NULL CHECK (name_en <> ''),
    submit_day    smallint NOT NULL CHECK (submit_day BETWEEN 1 AND 28),
    send_day      smallint NOT NULL CHECK (send_day BETWEEN 1 AND 28),
    working_days  boolean NOT NULL DEFAULT false,
    -- "Due soon" starts this many working days before the submission deadline.
    due_soon_days smallint NOT NULL DEFAULT 3 CHECK (due_soon_days BETWEEN 0 AND 20),
    CHECK (send_day >= submit_day)
);

INSERT INTO indicator_groups (code, name_vi, name_en, submit_day, send_day, working_days) VALUES
    ('monthly-gov', 'Số liệu kinh tế - xã hội hằng tháng báo cáo Chính phủ',
     'Monthly socio-economic figures for the Government', 2, 3, false);

-- Public holidays (Vietnam; lunar ones move every year). Admins keep this list current; the
-- years ahead are the Government's announced schedules where known, marked otherwise.
CREATE TABLE holidays (
    day     date PRIMARY KEY,
    name_vi text NOT NULL,
    name_en text NOT NULL
);

INSERT INTO holidays (day, name_vi, name_en) VALUES
    ('2024-01-01', 'Tết Dương lịch', 'New Year''s Day'),
    ('2024-02-08', 'Tết Nguyên đán', 'Lunar New Year'), ('2024-02-09', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2024-02-12', 'Tết Nguyên đán', 'Lunar New Year'), ('2024-02-13', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2024-02-14', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2024-04-18', 'Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration'),
    ('2024-04-29', 'Nghỉ bù', 'Substitute day off'), ('2024-04-30', 'Ngày Giải phóng miền Nam', 'Reunification Day'),
    ('2024-05-01', 'Quốc tế Lao động', 'Labour Day'),
    ('2024-09-02', 'Quốc khánh', 'National Day'), ('2024-09-03', 'Quốc khánh', 'National Day'),
    ('2025-01-01', 'Tết Dương lịch', 'New Year''s Day'),
    ('2025-01-27', 'Tết Nguyên đán', 'Lunar New Year'), ('2025-01-28', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2025-01-29', 'Tết Nguyên đán', 'Lunar New Year'), ('2025-01-30', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2025-01-31', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2025-04-07', 'Giỗ Tổ Hùng Vương', 'Hung Kings'' Commemoration'),
    ('2025-04-30', 'Ngày Giải phóng miền Nam', 'Reunification Day'), ('2025-05-01', 'Quốc tế Lao động', 'Labour Day'),
    ('2025-05-02', 'Nghỉ bù', 'Substitute day off'),
    ('2025-09-01', 'Quốc khánh', 'National Day'), ('2025-09-02', 'Quốc khánh', 'National Day'),
    ('2026-01-01', 'Tết Dương lịch', 'New Year''s Day'),
    ('2026-02-16', 'Tết Nguyên đán', 'Lunar New Year'), ('2026-02-17', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2026-02-18', 'Tết Nguyên đán', 'Lunar New Year'), ('2026-02-19', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2026-02-20', 'Tết Nguyên đán', 'Lunar New Year'),
    ('2026-04-27', 'Giỗ Tổ Hùng Vương (nghỉ bù)', 'Hung Kings'' Commemoration (substitute)'),
    ('2026-04-30', 'Ngày Giải phóng miền Nam', 'Reunification Day'), ('2026-05-01', 'Quốc tế Lao động', 'Labour Day'),
    ('2026-09-01', 'Quốc khánh', 'National Day'), ('2026-09-02', 'Quốc khánh', 'National Day'),
    -- 2027: computed from the lunar calendar and the Labour Code, not yet an announced schedule.
    ('2027-01-01', 'Tết Dương lịch', 'New Year''s Day'),
    ('2027-02-05', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (expected)'),
    ('2027-02-08', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (expected)'),
    ('2027-02-09', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (expected)'),
    ('2027-02-10', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (expected)'),
    ('2027-02-11', 'Tết Nguyên đán (dự kiến)', 'Lunar New Year (expected)'),
    ('2027-04-16', 'Giỗ Tổ Hùng Vương (dự kiến)', 'Hung Kings'' Commemoration (expected)'),
    ('2027-04-30', 'Ngày Giải phóng miền Nam', 'Reunification Day'),
    ('2027-05-03', 'Quốc tế Lao động (nghỉ bù)', 'Labour Day (substitute)'),
    ('2027-09-02', 'Quốc khánh', 'National Day'), ('2027-09-03', 'Quốc khánh (dự kiến)', 'National Day (expected)');

-- The catalogue: `series` gains what makes a series a reported indicator. A series without a
-- group (a sensor feed, later a dossier count) is not submitted by anyone.
ALTER TABLE series
    ADD COLUMN group_code       text REFERENCES indicator_groups (code),
    ADD COLUMN periodicity      text NOT NULL DEFAULT 'monthly' CHECK (periodicity IN ('monthly', 'quarterly', 'yearly')),
    -- How months make up the year to date: sum (retail sales), average (CPI), last (a stock),
    -- rate (a growth index: the year to date is reported, never derived).
    ADD COLUMN aggregation      text NOT NULL DEFAULT 'sum' CHECK (aggregation IN ('sum', 'average', 'last', 'rate')),
    -- Month values add up to the year-to-date value (checked on entry).
    ADD COLUMN cumulative       boolean NOT NULL DEFAULT false,
    -- The department that reports the province's figure.
    ADD COLUMN owner_unit       text REFERENCES units (code),
    ADD COLUMN higher_is_better boolean NOT NULL DEFAULT true,
    -- Outside [min_value, max_value]: an error, the figure is refused.
    ADD COLUMN min_value        numeric,
    ADD COLUMN max_value        numeric,
    -- Outside [warn_low, warn_high]: a warning on entry (needs a note) and a hot issue on the wall.
    ADD COLUMN warn_low         numeric,
    ADD COLUMN warn_high        numeric,
    -- A change of more than this many percent against the previous month or the same month of
    -- the previous year is a warning.
    ADD COLUMN jump_pct         numeric NOT NULL DEFAULT 30 CHECK (jump_pct > 0),
    -- The plan for the year: the year's total where the indicator is cumulative, otherwise the
    -- level to reach.
    ADD COLUMN annual_target    numeric,
    ADD COLUMN active           boolean NOT NULL DEFAULT true,
    ADD CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
    ADD CHECK (warn_low IS NULL OR warn_high IS NULL OR warn_low <= warn_high),
    ADD CHECK (NOT cumulative OR aggregation = 'sum');

INSERT INTO series (code, name_vi, name_en, measure_vi, measure_en, decimals, sort_order) VALUES
    ('new_enterprise_capital', 'Vốn đăng ký của doanh nghiệp thành lập mới', 'Registered capital of new enterprises',
     'tỷ đồng', 'billion VND', 1, 90);

-- The owners follow seed 000 (Planning & Investment, Finance, Industry & Trade, Customs) as the
-- departments are named since the 2025 reorganisation (Planning & Investment merged into Finance).
UPDATE series SET group_code = 'monthly-gov', cumulative = false, aggregation = 'rate', owner_unit = 'dept-tk',
    min_value = 0, max_value = 500, warn_low = 100, jump_pct = 25, annual_target = 110
    WHERE code = 'iip';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-sct',
    min_value = 0, jump_pct = 30, annual_target = 118000
    WHERE code = 'retail_sales';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-hq',
    min_value = 0, jump_pct = 40, annual_target = 3000
    WHERE code = 'exports';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-hq',
    min_value = 0, jump_pct = 40, higher_is_better = false
    WHERE code = 'imports';
UPDATE series SET group_code = 'monthly-gov', cumulative = false, aggregation = 'average', owner_unit = 'dept-tk',
    min_value = 50, max_value = 200, warn_high = 104, jump_pct = 5, higher_is_better = false, annual_target = 104
    WHERE code = 'cpi';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-stc',
    min_value = 0, jump_pct = 60, annual_target = 24000
    WHERE code = 'budget_revenue';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-stc',
    min_value = 0, jump_pct = 80, annual_target = 9000
    WHERE code = 'public_investment';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-stc',
    min_value = 0, jump_pct = 50, annual_target = 2600
    WHERE code = 'new_enterprises';
UPDATE series SET group_code = 'monthly-gov', cumulative = true, aggregation = 'sum', owner_unit = 'dept-stc',
    min_value = 0, jump_pct = 80, annual_target = 30000
    WHERE code = 'new_enterprise_capital';
-- The two indices are published as "% of the same period last year" (100 = no change).
UPDATE series SET name_vi = 'Chỉ số sản xuất công nghiệp (IIP) so cùng kỳ',
    name_en = 'Industrial production index (IIP), same period last year = 100' WHERE code = 'iip';
UPDATE series SET name_vi = 'Chỉ số giá tiêu dùng (CPI) so cùng kỳ',
    name_en = 'Consumer price index (CPI), same period last year = 100' WHERE code = 'cpi';

-- One reporting unit's report for one period of one group: the unit of work of the workflow
--   draft → submitted → approved → sent, or submitted → returned (with a comment) → submitted …
-- `revision` counts submissions; editing an approved or sent report starts the next revision.
CREATE TABLE submissions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_code     text NOT NULL REFERENCES indicator_groups (code),
    unit_code      text NOT NULL REFERENCES units (code),
    period         date NOT NULL CHECK (extract(day FROM period) = 1 AND period >= DATE '2019-01-01'),
    status         text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'sent')),
    revision       integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
    submitted_at   timestamptz,
    submitted_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at     timestamptz,
    decided_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    return_comment text,
    sent_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_code, unit_code, period),
    CHECK (status <> 'returned' OR coalesce(return_comment, '') <> '')
);
CREATE INDEX submissions_period ON submissions (period, group_code);

-- Every entry is a new row (never updated): the current value of a (submission, series, kind)
-- is the row with the highest id. Estimates (ước) and official figures live side by side.
CREATE TABLE indicator_entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    series_id     integer NOT NULL REFERENCES series (id),
    -- The area the figure describes: the province for a department, the commune itself.
    area_code     text NOT NULL REFERENCES units (code),
    period        date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('estimate', 'official')),
    -- The revision of the report this entry will be (or was) submitted as.
    revision      integer NOT NULL CHECK (revision > 0),
    value         numeric NOT NULL,
    ytd_value     numeric,
    -- Why a warning is not a mistake; required when the entry has warnings.
    note          text,
    warnings      jsonb NOT NULL DEFAULT '[]',
    source        text NOT NULL CHECK (source IN ('form', 'excel', 'api')),
    entered_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    entered_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_entries_current ON indicator_entries (submission_id, series_id, kind, id DESC);

-- The province's published series: what was approved (or backfilled), append-only. The figure
-- of a (series, area, period, kind) is the row with the highest id; charts, tiles and the
-- roll-up of merged units read this table.
CREATE TABLE indicator_figures (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_id     integer NOT NULL REFERENCES series (id),
    area_code     text NOT NULL REFERENCES units (code),
    period        date NOT NULL CHECK (extract(day FROM period) = 1 AND period >= DATE '2019-01-01'),
    kind          text NOT NULL CHECK (kind IN ('estimate', 'official')),
    value         numeric NOT NULL,
    ytd_value     numeric,
    submission_id bigint REFERENCES submissions (id),
    revision      integer,
    -- 'approved' (the workflow), 'backfill' (history import), 'demo' (the demo feed; never sent).
    source        text NOT NULL CHECK (source IN ('approved', 'backfill', 'demo')),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((source = 'approved') = (submission_id IS NOT NULL))
);
CREATE INDEX indicator_figures_lookup ON indicator_figures (series_id, area_code, period, kind, id DESC);

-- Messages to the Government reporting system, written in the transaction that approves the
-- figures and delivered by a background worker. The idempotency key names one revision of one
-- report: a retry repeats the key, a new revision gets a new one.
CREATE TABLE central_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    submission_id   bigint REFERENCES submissions (id),
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    last_http_status integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    -- The receipt the Government system answered with.
    receipt         jsonb
);
CREATE INDEX central_outbox_due ON central_outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE central_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id   bigint NOT NULL REFERENCES central_outbox (id),
    at          timestamptz NOT NULL DEFAULT now(),
    http_status integer,
    error       text,
    duration_ms integer NOT NULL
);
CREATE INDEX central_attempts_outbox ON central_attempts (outbox_id, id);

-- Stored topics of the live hub: topics whose publications are whole states (a deadline board,
-- later a task list), kept so that a reconnecting client recovers them like point streams.
CREATE TABLE live_topics (
    topic       text PRIMARY KEY,
    last_offset bigint NOT NULL CHECK (last_offset > 0),
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE live_log (
    topic  text NOT NULL,
    "offset" bigint NOT NULL,
    data   jsonb NOT NULL,
    at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, "offset")
);
