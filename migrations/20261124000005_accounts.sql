-- People, roles, sessions, API tokens and the audit trail.

CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name        text NOT NULL CHECK (display_name <> ''),
    -- PHC string of an argon2id hash; never the password.
    password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    -- The unit the person works for (a department, a commune, the province office).
    unit_code           text REFERENCES units (code),
    disabled            boolean NOT NULL DEFAULT false,
    -- Consecutive failed logins; reaching the limit sets locked_until (temporary lockout).
    failed_logins       integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- A person may hold several roles; a unit editor's role names the unit it may enter data for.
CREATE TABLE user_roles (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      text NOT NULL CHECK (role IN ('admin', 'leader', 'unit_editor', 'approver', 'central_viewer')),
    unit_code text REFERENCES units (code),
    CHECK ((role = 'unit_editor') = (unit_code IS NOT NULL))
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles (user_id, role, coalesce(unit_code, ''));

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of this table does not let anyone log in.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ip           inet,
    user_agent   text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Credentials of machines: integration clients (the one-stop system, the statistics office) and
-- wall displays (a device bound to named screens). Shown once, stored as SHA-256.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (name <> ''),
    kind         text NOT NULL CHECK (kind IN ('integration', 'wall_display')),
    -- Public, unique part of the token ("ioc_<prefix>_<secret>"), to find the row and to show in lists.
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{8,16}$'),
    secret_hash  bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    unit_code    text NOT NULL REFERENCES units (code),
    scopes       text[] NOT NULL DEFAULT '{}',
    screens      text[] NOT NULL DEFAULT '{}',
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CHECK (kind <> 'wall_display' OR cardinality(screens) > 0)
);

-- Append-only record of every write: who, when, from where, what, before and after.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_user  bigint REFERENCES users (id) ON DELETE SET NULL,
    actor_token bigint REFERENCES api_tokens (id) ON DELETE SET NULL,
    -- Readable actor kept even if the user or token row goes away: "user:nguyenvana", "token:abcd1234", "system".
    actor       text NOT NULL,
    ip          inet,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor);

-- The application cannot edit or delete the trail: a trigger refuses it for every role,
-- superusers included (only disabling triggers, an explicit DBA act, gets around it).
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
