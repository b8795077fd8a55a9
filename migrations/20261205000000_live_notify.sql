-- Credential changes announced to every server process (`live::notify`): an open WebSocket whose
-- person or token changed re-checks its credentials at once, instead of each connection asking
-- the database every minute. The payload names whose credentials changed; what changed is read
-- again by the connection itself. NOTIFY is transactional: nothing is announced on rollback, and
-- identical payloads of one transaction are sent once.

CREATE FUNCTION announce_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    IF TG_TABLE_NAME = 'api_tokens' THEN
        PERFORM pg_notify('ioc_credentials', 'token:' || r.id);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('ioc_credentials', 'user:' || r.id);
    ELSE
        -- sessions, user_roles
        PERFORM pg_notify('ioc_credentials', 'user:' || r.user_id);
    END IF;
    RETURN NULL;
END
$$;

-- Sign-out, password change, expiry purge.
CREATE TRIGGER sessions_announce AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION announce_credentials();

-- Granted or withdrawn roles.
CREATE TRIGGER user_roles_announce AFTER INSERT OR DELETE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION announce_credentials();

-- A disabled account or another unit (not the counters of failed logins).
CREATE TRIGGER users_announce AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.unit_code IS DISTINCT FROM NEW.unit_code)
    EXECUTE FUNCTION announce_credentials();

-- A revoked token or changed rights (not `last_used_at`, written on use).
CREATE TRIGGER api_tokens_announce AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
          OR OLD.scopes IS DISTINCT FROM NEW.scopes
          OR OLD.screens IS DISTINCT FROM NEW.screens
          OR OLD.unit_code IS DISTINCT FROM NEW.unit_code
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
    EXECUTE FUNCTION announce_credentials();

CREATE TRIGGER api_tokens_announce_delete AFTER DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION announce_credentials();
