-- E-mail (issue 13, part 4).
-- The outgoing mail queue. A mail exists once its row is committed (queued in the transaction of
-- what caused it); the server's mail worker sends it and marks it sent. `dedupe_key` names what
-- the mail is about (a task, its period, its deadline, the kind of reminder): the same reminder is
-- never queued twice for one address, however often the pass runs.
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    recipient       text NOT NULL CHECK (recipient <> '' AND length(recipient) <= 254),
    subject         text NOT NULL CHECK (subject <> ''),
    body            text NOT NULL,
    dedupe_key      text NOT NULL CHECK (dedupe_key <> ''),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Unsent: when the worker may try (again).
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    sent_at         timestamptz,
    -- Given up: the server refused it for good (5xx), or too many attempts failed.
    failed_at       timestamptz,
    CONSTRAINT mail_outbox_once UNIQUE (recipient, dedupe_key),
    CONSTRAINT mail_outbox_sent_or_failed CHECK (sent_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
