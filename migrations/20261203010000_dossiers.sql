-- Public-service dossiers (issue 11): the procedures catalogue, every dossier's current state,
-- its events (a time series), the rollups the wall and the Decision 766 index read, apology
-- slips, and the 766 formulas as configuration.
--
-- Volume: a province handles about 1.5 million dossiers a year, several events each. Raw events
-- are never read by a dashboard: the write path keeps `dossier_daily` (per handling unit and
-- local day), `dossier_open` (open dossiers per unit, commune and due date) and
-- `dossier_procedure_months` (which procedures had dossiers) current in the same transaction,
-- and the index worker stores computed indexes in `dossier_index`.

-- The procedures catalogue (thủ tục hành chính), in the shape the national procedures database
-- exports. A province-level procedure is handled by one department (`unit_code`); a
-- commune-level one by every commune of the province (`unit_code` NULL).
CREATE TABLE procedures (
    code              text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z_.-]{1,40}$'),
    name_vi           text NOT NULL CHECK (name_vi <> ''),
    name_en           text NOT NULL DEFAULT '',
    field_vi          text NOT NULL DEFAULT '',
    level             text NOT NULL CHECK (level IN ('province', 'commune')),
    unit_code         text REFERENCES units (code),
    -- Legal processing time in working days (0: handled on the spot).
    processing_days   integer NOT NULL CHECK (processing_days BETWEEN 0 AND 365),
    online_level      text NOT NULL CHECK (online_level IN ('full', 'partial', 'none')),
    has_fee           boolean NOT NULL DEFAULT false,
    online_payment    boolean NOT NULL DEFAULT false,
    population_db     boolean NOT NULL DEFAULT false,
    -- Transparency metrics of the 766 index that events cannot give.
    published_on_time boolean NOT NULL DEFAULT true,
    updated_on_time   boolean NOT NULL DEFAULT true,
    content_complete  boolean NOT NULL DEFAULT true,
    active            boolean NOT NULL DEFAULT true,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 'province') = (unit_code IS NOT NULL)),
    CHECK (NOT online_payment OR has_fee)
);
CREATE INDEX procedures_unit ON procedures (unit_code) WHERE unit_code IS NOT NULL;

-- The current state of every dossier: the merge of its events, newest sequence first.
-- Citizens' personal data is not a column: it is dropped at ingest unless the deployment keeps
-- it (`personal`, never shown on the wall).
CREATE TABLE dossiers (
    id                   text PRIMARY KEY CHECK (id ~ '^[0-9A-Za-z_.:/-]{1,64}$'),
    procedure_code       text NOT NULL REFERENCES procedures (code),
    unit_code            text NOT NULL REFERENCES units (code),
    commune_code         text REFERENCES units (code),
    channel              smallint NOT NULL CHECK (channel BETWEEN 1 AND 3),
    status               smallint NOT NULL CHECK (status BETWEEN 1 AND 10),
    last_seq             bigint NOT NULL CHECK (last_seq >= 0),
    -- Sequences already applied: a repeated event is recognised without an index over events.
    seen_seqs            bigint[] NOT NULL,
    status_at            timestamptz NOT NULL,
    received_at          timestamptz,
    -- The promised return date as first given (hạn trả), and after apologies.
    due_date             date,
    current_due_date     date,
    result_at            timestamptz,
    fee                  bigint CHECK (fee >= 0),
    paid_online          boolean NOT NULL DEFAULT false,
    electronic_result    boolean NOT NULL DEFAULT false,
    digitised_components boolean NOT NULL DEFAULT false,
    electronic_copies    boolean NOT NULL DEFAULT false,
    reused_data          boolean NOT NULL DEFAULT false,
    shared_for_reuse     boolean NOT NULL DEFAULT false,
    population_data      boolean NOT NULL DEFAULT false,
    synced_at            timestamptz,
    rating               smallint CHECK (rating BETWEEN 1 AND 5),
    feedback             jsonb,
    personal             jsonb,
    postponements        smallint NOT NULL DEFAULT 0 CHECK (postponements >= 0),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (result_at IS NULL OR received_at IS NULL OR result_at >= received_at),
    CHECK (due_date IS NULL OR received_at IS NULL OR due_date >= (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
);
-- The overdue lists per unit and per commune read only open dossiers.
CREATE INDEX dossiers_open_unit ON dossiers (unit_code, due_date)
    WHERE status IN (2, 4, 5, 6, 8);
CREATE INDEX dossiers_open_commune ON dossiers (commune_code, due_date)
    WHERE status IN (2, 4, 5, 6, 8) AND commune_code IS NOT NULL;

-- Every event as it arrived (history, audit of the feed). Monthly partitions or a hypertable.
SELECT ioc_create_time_series('dossier_events', $cols$
    dossier_id  text NOT NULL,
    seq         bigint NOT NULL,
    status      smallint NOT NULL,
    event_at    timestamptz NOT NULL,
    source      text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- The item as sent (personal data removed), kept verbatim: json, not jsonb, since it is only
    -- read back whole and parsing it into jsonb would cost the hot path.
    body        json NOT NULL
$cols$, 'event_at', INTERVAL '1 month');
CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, event_at);

-- Per handling unit and local day (UTC+7): what the wall and the 766 index add up. A dossier
-- counts on the day it was received (received, online, digitisation, fees, sync) and on the day
-- its result was given (finished, outcome, electronic result, rating).
CREATE TABLE dossier_daily (
    unit_code            text NOT NULL,
    day                  date NOT NULL,
    received             integer NOT NULL DEFAULT 0,
    received_online      integer NOT NULL DEFAULT 0,
    received_postal      integer NOT NULL DEFAULT 0,
    digitised_components integer NOT NULL DEFAULT 0,
    electronic_copies    integer NOT NULL DEFAULT 0,
    reused_data          integer NOT NULL DEFAULT 0,
    shared_for_reuse     integer NOT NULL DEFAULT 0,
    population_data      integer NOT NULL DEFAULT 0,
    with_fee             integer NOT NULL DEFAULT 0,
    paid_online          integer NOT NULL DEFAULT 0,
    synced               integer NOT NULL DEFAULT 0,
    finished             integer NOT NULL DEFAULT 0,
    finished_early       integer NOT NULL DEFAULT 0,
    finished_on_time     integer NOT NULL DEFAULT 0,
    finished_late        integer NOT NULL DEFAULT 0,
    late_unapologised    integer NOT NULL DEFAULT 0,
    electronic_results   integer NOT NULL DEFAULT 0,
    withdrawn            integer NOT NULL DEFAULT 0,
    rated                integer NOT NULL DEFAULT 0,
    satisfied            integer NOT NULL DEFAULT 0,
    feedback             integer NOT NULL DEFAULT 0,
    feedback_on_time     integer NOT NULL DEFAULT 0,
    feedback_rated       integer NOT NULL DEFAULT 0,
    feedback_satisfied   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, day)
);

-- Open dossiers (received, processing, paused) per unit, commune ('' when none) and due date:
-- "in progress", "overdue" and "late without apology" are sums over a few rows, at any moment.
CREATE TABLE dossier_open (
    unit_code    text NOT NULL,
    commune_code text NOT NULL,
    due_date     date NOT NULL,
    paused       boolean NOT NULL,
    apologised   boolean NOT NULL,
    -- No CHECK (count >= 0): an upsert checks the proposed row, and a difference may be negative.
    count        integer NOT NULL,
    PRIMARY KEY (unit_code, commune_code, due_date, paused, apologised)
);

-- Which procedures had dossiers in a month (online service B, online payment C).
CREATE TABLE dossier_procedure_months (
    unit_code      text NOT NULL,
    procedure_code text NOT NULL,
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    dossiers       integer NOT NULL DEFAULT 0,
    online         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_code, month, procedure_code)
);

-- Apology slips (phiếu xin lỗi và hẹn lại ngày trả kết quả, Decree 61/2018 as amended by
-- 107/2021): the original and the new return date stay with the dossier.
CREATE TABLE dossier_apologies (
    dossier_id    text NOT NULL REFERENCES dossiers (id),
    number        smallint NOT NULL CHECK (number >= 1),
    reason        text NOT NULL CHECK (reason <> ''),
    previous_due  date NOT NULL,
    new_due       date NOT NULL CHECK (new_due > previous_due),
    issued_at     timestamptz NOT NULL DEFAULT now(),
    issued_by     text NOT NULL,
    PRIMARY KEY (dossier_id, number)
);

-- The Decision 766 formulas as configuration (domain reference; the point conversions were
-- reverse-engineered by others from the portal's results and are unverified). A metric scores
-- max_points × min(1, ratio / full_at); a group scores min(group max, Σ metrics).
CREATE TABLE index766_groups (
    code       text PRIMARY KEY,
    name_vi    text NOT NULL,
    name_en    text NOT NULL,
    max_points numeric(6, 2) NOT NULL CHECK (max_points > 0),
    sort_order integer NOT NULL
);
CREATE TABLE index766_metrics (
    code        text PRIMARY KEY,
    group_code  text NOT NULL REFERENCES index766_groups (code),
    name_vi     text NOT NULL,
    name_en     text NOT NULL,
    max_points  numeric(6, 2) NOT NULL CHECK (max_points > 0),
    -- The ratio at which the metric scores full (0.8: "full at 80%").
    full_at     numeric(6, 4) NOT NULL DEFAULT 1 CHECK (full_at > 0 AND full_at <= 1),
    -- Named measures the server computes (see dossiers::index::Measure).
    numerator   text NOT NULL,
    denominator text NOT NULL,
    -- What a metric scores with nothing to measure (denominator 0).
    when_empty  text NOT NULL DEFAULT 'zero' CHECK (when_empty IN ('zero', 'full')),
    sort_order  integer NOT NULL
);
INSERT INTO index766_groups (code, name_vi, name_en, max_points, sort_order) VALUES
    ('transparency', 'Công khai, minh bạch', 'Transparency', 18, 1),
    ('progress', 'Tiến độ giải quyết', 'Progress', 20, 2),
    ('online', 'Dịch vụ công trực tuyến', 'Online service', 12, 3),
    ('digitisation', 'Số hóa hồ sơ', 'Digitisation', 22, 4),
    ('payment', 'Thanh toán trực tuyến', 'Online payment', 10, 5),
    ('satisfaction', 'Mức độ hài lòng', 'Satisfaction', 18, 6);
INSERT INTO index766_metrics (code, group_code, name_vi, name_en, max_points, full_at, numerator, denominator, when_empty, sort_order) VALUES
    ('published', 'transparency', 'TTHC công bố đúng hạn', 'Procedures published on time', 6, 1, 'procedures_published_on_time', 'procedures', 'zero', 1),
    ('updated', 'transparency', 'TTHC cập nhật, công khai đúng hạn', 'Procedures updated and public on time', 4, 1, 'procedures_updated_on_time', 'procedures', 'zero', 2),
    ('complete', 'transparency', 'Công khai đầy đủ nội dung TTHC', 'Full procedure content public', 2, 1, 'procedures_content_complete', 'procedures', 'zero', 3),
    ('synced', 'transparency', 'Hồ sơ đồng bộ trên Cổng DVC quốc gia', 'Dossiers synced with the national portal', 6, 1, 'synced', 'received', 'zero', 4),
    ('on_time', 'progress', 'Hồ sơ giải quyết trước và đúng hạn, còn hạn', 'Dossiers finished early or on time, or still in time', 20, 1, 'in_time', 'handled', 'zero', 1),
    ('offered', 'online', 'TTHC cung cấp trực tuyến', 'Procedures offered online', 2, 0.8, 'procedures_online', 'procedures', 'zero', 1),
    ('used', 'online', 'DVC trực tuyến phát sinh hồ sơ', 'Online services with dossiers', 4, 1, 'online_procedures_used', 'procedures_online', 'zero', 2),
    ('online_share', 'online', 'Hồ sơ trực tuyến', 'Dossiers submitted online', 6, 0.5, 'received_online', 'received', 'zero', 3),
    ('e_results', 'digitisation', 'Cấp kết quả điện tử', 'Electronic results', 6, 1, 'electronic_results', 'finished', 'zero', 1),
    ('digitised', 'digitisation', 'Số hóa thành phần hồ sơ', 'Digitised dossier components', 4, 1, 'digitised_components', 'received', 'zero', 2),
    ('e_copies', 'digitisation', 'Chứng thực bản sao điện tử', 'Electronic certified copies', 2, 1, 'electronic_copies', 'received', 'zero', 3),
    ('reuse', 'digitisation', 'Tái sử dụng dữ liệu số hóa', 'Reuse of digitised data', 2, 0.8, 'reused_data', 'received', 'zero', 4),
    ('shared', 'digitisation', 'Hồ sơ số hóa được chia sẻ tái sử dụng', 'Digitised dossiers shared for reuse', 4, 1, 'shared_for_reuse', 'received', 'zero', 5),
    ('population', 'digitisation', 'Hồ sơ sử dụng dữ liệu dân cư', 'Dossiers using population data', 2, 1, 'population_data', 'received', 'zero', 6),
    ('population_procs', 'digitisation', 'TTHC kết nối CSDL dân cư', 'Procedures connected to population data', 2, 1, 'procedures_population', 'procedures', 'zero', 7),
    ('paid_online', 'payment', 'Hồ sơ thanh toán trực tuyến', 'Dossiers paid online', 6, 1, 'paid_online', 'with_fee', 'zero', 1),
    ('payment_offered', 'payment', 'TTHC có phí cho thanh toán trực tuyến', 'Fee procedures payable online', 2, 0.8, 'procedures_payable_online', 'procedures_with_fee', 'zero', 2),
    ('payment_used', 'payment', 'TTHC có phí phát sinh hồ sơ', 'Fee procedures with dossiers', 2.5, 1, 'fee_procedures_used', 'procedures_with_fee', 'zero', 3),
    ('feedback_on_time', 'satisfaction', 'Xử lý phản ánh, kiến nghị đúng hạn', 'Feedback handled on time', 6, 1, 'feedback_on_time', 'feedback', 'full', 1),
    ('feedback_satisfied', 'satisfaction', 'Hài lòng về xử lý phản ánh, kiến nghị', 'Satisfaction with feedback handling', 6, 1, 'feedback_satisfied', 'feedback_rated', 'full', 2),
    ('satisfied', 'satisfaction', 'Hài lòng về giải quyết hồ sơ', 'Satisfaction with dossier handling', 6, 0.9, 'satisfied', 'rated', 'zero', 3);

-- Rating bands (not found in public texts: configurable; the seed is a plausible scale).
CREATE TABLE index766_bands (
    min_points numeric(6, 2) PRIMARY KEY CHECK (min_points >= 0),
    name_vi    text NOT NULL,
    name_en    text NOT NULL
);
INSERT INTO index766_bands (min_points, name_vi, name_en) VALUES
    (90, 'Xuất sắc', 'Excellent'),
    (80, 'Tốt', 'Good'),
    (70, 'Khá', 'Fair'),
    (50, 'Trung bình', 'Average'),
    (0, 'Yếu', 'Poor');

-- Computed indexes, written by the index worker as events arrive; the wall and the ranking
-- tables read these rows, never the rollups. Period kinds: month, quarter, year, rolling 30 days
-- ('rolling30', period_start = the window's first day).
CREATE TABLE dossier_index (
    unit_code    text NOT NULL,
    period_kind  text NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year', 'rolling30')),
    period_start date NOT NULL,
    total        numeric(6, 2) NOT NULL,
    -- The six groups' points, in the groups' order (the ranking tables read these, not detail).
    groups       double precision[] NOT NULL,
    detail       jsonb NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_kind, period_start, unit_code)
);

-- Where a pull connector stands in a one-stop system's feed; advanced in the transaction that
-- stores the page it read, so a restart resumes exactly after the last stored page.
CREATE TABLE dossier_feed_cursors (
    source     text PRIMARY KEY,
    cursor     text NOT NULL,
    pages      bigint NOT NULL DEFAULT 0,
    events     bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The province's communes as drawn shapes, imported by an administrator (GeoJSON, validated).
CREATE TABLE commune_shapes (
    unit_code   text PRIMARY KEY REFERENCES units (code),
    geometry    jsonb NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
