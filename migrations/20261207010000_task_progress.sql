-- Progress on a task (issue 13): the owner or a co-operating unit reports where it stands, with
-- evidence files (documents). A progress report is a task update that is not "done".
ALTER TABLE task_updates ADD COLUMN unit_code text REFERENCES units (code);
ALTER TABLE task_updates ADD COLUMN percent smallint CHECK (percent BETWEEN 0 AND 100);

CREATE TABLE task_evidence (
    update_id   bigint NOT NULL REFERENCES task_updates (id) ON DELETE CASCADE,
    document_id bigint NOT NULL REFERENCES documents (id),
    PRIMARY KEY (update_id, document_id)
);
