-- E-mail addresses (issue 13, part 4). A person may have one: reminders go to the unit editors of
-- a task's owner who have one. Checked loosely (one @, a dot in the domain, no spaces): the SMTP
-- server is the judge of deliverability; this only keeps typing slips out.
ALTER TABLE users ADD COLUMN email text
    CONSTRAINT users_email_check CHECK (
        length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$');
