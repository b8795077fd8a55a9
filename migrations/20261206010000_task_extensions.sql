-- Extension requests (issue 13): a task's owner asks for a later deadline, with a reason; the
-- issuer's office (approvers, administrators) decides. The letter's wording stays on the task;
-- an approved request's wording and day become its deadline; every request is kept.
CREATE TABLE task_extensions (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    wording      text NOT NULL CHECK (wording <> ''),
    -- The new last day as worded (before any move past days off).
    due_on       date NOT NULL,
    reason       text NOT NULL CHECK (reason <> ''),
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    approved     boolean,
    decided_by   text,
    decided_at   timestamptz,
    note         text NOT NULL DEFAULT '',
    CONSTRAINT task_extensions_decided CHECK ((approved IS NULL) = (decided_at IS NULL))
);
-- One request waits per task at a time.
CREATE UNIQUE INDEX task_extensions_pending ON task_extensions (task_id) WHERE approved IS NULL;

ALTER TABLE tasks
    ADD COLUMN extended_wording text,
    ADD COLUMN extended_to date,
    ADD CONSTRAINT tasks_extension CHECK (
        (extended_to IS NULL) = (extended_wording IS NULL)
        AND (extended_to IS NULL OR due_on IS NOT NULL));
