-- Tasks from directives (issue 13). A letter assigns tasks to units; each keeps its deadline in
-- the letter's words beside what it was read as: a day (one-off), or a recurrence ("định kỳ
-- trước ngày 20 tháng cuối quý": every quarter, day 20 of its last month, before). Status is
-- derived (deadline, calendar, today, what the owner reported), never stored.
CREATE TABLE directives (
    id         bigserial PRIMARY KEY,
    number     text NOT NULL DEFAULT '',
    issued_on  date,
    issuer     text NOT NULL CHECK (issuer <> ''),
    title      text NOT NULL CHECK (title <> ''),
    -- The demo letter it was imported from (`assets/demo/directives.csv`): imports are
    -- idempotent. NULL for letters entered by people.
    seed       text UNIQUE,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
    id               bigserial PRIMARY KEY,
    directive_id     bigint NOT NULL REFERENCES directives (id) ON DELETE CASCADE,
    owner_unit       text NOT NULL REFERENCES units (code),
    owner_as_written text NOT NULL DEFAULT '',
    content          text NOT NULL CHECK (content <> ''),
    deadline         text NOT NULL CHECK (deadline <> ''),
    -- One-off: the last day as worded (before any move past days off).
    due_on           date,
    -- Recurring: every `every`, day `due_day` of the period's last month or of the month after,
    -- by it or before it.
    every            text CHECK (every IN ('monthly', 'quarterly', 'half_yearly', 'nine_months', 'yearly')),
    due_month        text CHECK (due_month IN ('last_of_period', 'after_period')),
    due_day          smallint CHECK (due_day BETWEEN 1 AND 31),
    due_before       boolean,
    -- A recurring task's first instance is the period holding this day (the letter's date).
    starts_on        date NOT NULL,
    -- A one-off task reported done (a recurring one: per period, below).
    done_on          date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- One day, or one recurrence, or neither (an ongoing task: "thường xuyên").
    CONSTRAINT tasks_one_deadline CHECK (
        (every IS NULL AND due_month IS NULL AND due_day IS NULL AND due_before IS NULL)
        OR (due_on IS NULL AND every IS NOT NULL AND due_month IS NOT NULL
            AND due_day IS NOT NULL AND due_before IS NOT NULL AND done_on IS NULL))
);
CREATE INDEX tasks_owner ON tasks (owner_unit);
CREATE INDEX tasks_directive ON tasks (directive_id);

CREATE TABLE task_cooperators (
    task_id   bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_code text NOT NULL REFERENCES units (code),
    PRIMARY KEY (task_id, unit_code)
);
CREATE INDEX task_cooperators_unit ON task_cooperators (unit_code);

-- The periods of a recurring task reported done.
CREATE TABLE task_periods_done (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    period  text NOT NULL,
    done_on date NOT NULL,
    PRIMARY KEY (task_id, period)
);

-- What owners reported, in order (the trail behind done_on and task_periods_done).
CREATE TABLE task_updates (
    id      bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    period  text,
    note    text NOT NULL DEFAULT '',
    done    boolean NOT NULL,
    author  text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_updates_task ON task_updates (task_id, at);
