-- Reporting regimes of Decree 09/2019/NĐ-CP as data (issue 13), the files units upload, and the
-- submissions of the regimes kept in the same `submissions` table as the indicator reports, so
-- that both follow one lifecycle (draft → submitted → returned/approved, revisions).

-- Files: the narrative reports units submit and a regime's outline template. Kept in the
-- database, in the transaction that records them, so a file is never referenced without being
-- stored (nor stored without a reference), and backups and replicas carry it. The checksum is
-- computed at upload and given back on download.
CREATE TABLE documents (
    id          bigserial PRIMARY KEY,
    file_name   text NOT NULL CHECK (file_name <> '' AND length(file_name) <= 255),
    -- Detected from the content, never taken from the name.
    media_type  text NOT NULL CHECK (media_type IN (
                    'application/pdf',
                    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                    'application/vnd.oasis.opendocument.text')),
    size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    content     bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(content) = size_bytes)
);

CREATE TABLE report_regimes (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_-]{0,63}$'),
    name             text NOT NULL CHECK (name <> ''),
    kind             text NOT NULL CHECK (kind IN ('periodic', 'thematic', 'ad_hoc')),
    legal_basis      text NOT NULL CHECK (legal_basis <> ''),
    content          text NOT NULL DEFAULT '',
    receiving_unit   text NOT NULL REFERENCES units (code),
    -- A thematic or ad hoc report is asked once: its one period is the year of `due_on`.
    frequency        text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'half_yearly', 'nine_months', 'yearly')),
    -- The deadline rule: day N of the period's last month or of the month after it (by or
    -- before), N days after the cut-off, or a fixed day (thematic, ad hoc).
    deadline_rule    text NOT NULL CHECK (deadline_rule IN ('day_of_month', 'after_cutoff', 'fixed')),
    due_month        text CHECK (due_month IN ('last_of_period', 'after_period')),
    due_day          smallint CHECK (due_day BETWEEN 1 AND 31),
    due_before       boolean NOT NULL DEFAULT false,
    working_days     boolean NOT NULL DEFAULT false,
    after_days       smallint CHECK (after_days BETWEEN 0 AND 60),
    due_on           date,
    -- The first period the regime asks for (the period holding this day).
    starts_on        date NOT NULL,
    -- The data form: [{code, label_vi, label_en, unit}], numbers each unit reports.
    form_fields      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(form_fields) = 'array'),
    outline_document bigint REFERENCES documents (id),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'periodic' OR (deadline_rule = 'fixed' AND frequency = 'yearly')),
    CHECK ((deadline_rule = 'day_of_month') = (due_month IS NOT NULL AND due_day IS NOT NULL)),
    CHECK ((deadline_rule = 'after_cutoff') = (after_days IS NOT NULL)),
    CHECK ((deadline_rule = 'fixed') = (due_on IS NOT NULL))
);

CREATE TABLE report_regime_units (
    regime_id bigint NOT NULL REFERENCES report_regimes (id) ON DELETE CASCADE,
    unit_code text NOT NULL REFERENCES units (code),
    PRIMARY KEY (regime_id, unit_code)
);
CREATE INDEX report_regime_units_unit ON report_regime_units (unit_code);

-- A submission is an indicator group's or a regime's; `form` names either in one key.
ALTER TABLE submissions ALTER COLUMN group_code DROP NOT NULL;
ALTER TABLE submissions ADD COLUMN regime_id bigint REFERENCES report_regimes (id);
ALTER TABLE submissions ADD CONSTRAINT submissions_one_form CHECK (num_nonnulls(group_code, regime_id) = 1);
ALTER TABLE submissions ADD COLUMN form text
    GENERATED ALWAYS AS (coalesce(group_code, 'regime:' || regime_id::text)) STORED;
ALTER TABLE submissions ADD CONSTRAINT submissions_form_unit_period UNIQUE (form, unit_code, period);
-- Lateness counts from the first time a report was handed in, not from a resubmission after
-- it was returned.
ALTER TABLE submissions ADD COLUMN first_submitted_at timestamptz;
UPDATE submissions SET first_submitted_at = submitted_at;
CREATE INDEX submissions_regime ON submissions (regime_id, period) WHERE regime_id IS NOT NULL;

-- What a regime's submission holds, per revision (rows are never updated: a revision's current
-- document is its newest row; earlier revisions stay readable).
CREATE TABLE regime_documents (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    revision      integer NOT NULL CHECK (revision >= 1),
    document_id   bigint NOT NULL REFERENCES documents (id)
);
CREATE INDEX regime_documents_submission ON regime_documents (submission_id, revision);

CREATE TABLE regime_figures (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id),
    revision      integer NOT NULL CHECK (revision >= 1),
    field_code    text NOT NULL,
    value         double precision NOT NULL CHECK (value = value AND value <> 'Infinity' AND value <> '-Infinity'),
    entered_by    text NOT NULL,
    entered_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX regime_figures_submission ON regime_figures (submission_id, revision);
