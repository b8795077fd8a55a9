-- Series catalogue, stream heads and metric points.
--
-- A series is something measured over time (an indicator, later a dossier count or a sensor);
-- a stream is one series for one unit. The stream head keeps the live position (offset, counted
-- per stream in arrival order) and the latest value, updated in the same transaction as the
-- points so that dashboards read heads, never raw points.

CREATE TABLE series (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    name_vi     text NOT NULL CHECK (name_vi <> ''),
    name_en     text NOT NULL CHECK (name_en <> ''),
    measure_vi  text NOT NULL,
    measure_en  text NOT NULL,
    decimals    smallint NOT NULL DEFAULT 1 CHECK (decimals BETWEEN 0 AND 6),
    sort_order  integer NOT NULL DEFAULT 0,
    on_wall     boolean NOT NULL DEFAULT true
);

-- The monthly figures provincial statistics offices publish (domain reference); the full
-- indicator catalogue with periodicity, aggregation and owners extends this table.
INSERT INTO series (code, name_vi, name_en, measure_vi, measure_en, decimals, sort_order) VALUES
    ('iip', 'Chỉ số sản xuất công nghiệp (IIP) so cùng kỳ', 'Industrial production index (IIP) vs same period', '%', '%', 2, 10),
    ('retail_sales', 'Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng', 'Retail sales of goods and consumer services', 'tỷ đồng', 'billion VND', 1, 20),
    ('exports', 'Kim ngạch xuất khẩu', 'Exports', 'triệu USD', 'million USD', 1, 30),
    ('imports', 'Kim ngạch nhập khẩu', 'Imports', 'triệu USD', 'million USD', 1, 40),
    ('cpi', 'Chỉ số giá tiêu dùng (CPI) so cùng kỳ', 'Consumer price index (CPI) vs same period', '%', '%', 2, 50),
    ('budget_revenue', 'Thu ngân sách nhà nước', 'State budget revenue', 'tỷ đồng', 'billion VND', 1, 60),
    ('public_investment', 'Vốn đầu tư thực hiện từ ngân sách nhà nước', 'Realised investment from the state budget', 'tỷ đồng', 'billion VND', 1, 70),
    ('new_enterprises', 'Doanh nghiệp đăng ký thành lập mới', 'Newly registered enterprises', 'doanh nghiệp', 'enterprises', 0, 80);

CREATE TABLE series_streams (
    series_id      integer NOT NULL REFERENCES series (id),
    unit_code      text NOT NULL REFERENCES units (code),
    last_offset    bigint NOT NULL DEFAULT 0 CHECK (last_offset >= 0),
    latest_ts      timestamptz,
    latest_value   double precision,
    latest_source  text,
    previous_value double precision,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, unit_code),
    CHECK ((latest_ts IS NULL) = (latest_value IS NULL))
);

-- Values are double precision: these are measurements for display and live views. The
-- authoritative statistical figures (with revisions and approval) are numeric business records.
SELECT ioc_create_time_series('metric_points', $cols$
    series_id     integer NOT NULL REFERENCES series (id),
    unit_code     text NOT NULL REFERENCES units (code),
    ts            timestamptz NOT NULL,
    value         double precision NOT NULL
                  CHECK (value = value AND value NOT IN ('Infinity'::float8, '-Infinity'::float8)),
    stream_offset bigint NOT NULL CHECK (stream_offset > 0),
    source        text NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
$cols$, 'ts');

-- Recovery after a reconnect reads a stream by offset; charts read it by time.
CREATE INDEX metric_points_stream_offset ON metric_points (series_id, unit_code, stream_offset);
CREATE INDEX metric_points_stream_ts ON metric_points (series_id, unit_code, ts DESC);

-- The epoch names this database's history: if it is ever rebuilt, offsets restart and clients
-- seeing a new epoch take the server's state instead of asking for missed publications.
CREATE TABLE live_epoch (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch     text NOT NULL
);
INSERT INTO live_epoch (epoch) VALUES (replace(gen_random_uuid()::text, '-', ''));
