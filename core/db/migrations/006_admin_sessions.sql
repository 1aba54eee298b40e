-- The admin console's server-side sessions and login throttle (admin/auth/).

-- One row per browser session. Only a SHA-256 of the session id is stored, so a read of this
-- table (a backup, a replica) cannot be replayed as a login. user_id is null until the login
-- succeeds (the pre-login session holds the login form's CSRF secret); deleting a user's rows
-- ends their sessions at once (logout, disable).
CREATE TABLE admin_sessions (
  id_hash bytea PRIMARY KEY,
  user_id bigint REFERENCES admin_users (id) ON DELETE CASCADE,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
CREATE INDEX admin_sessions_last_seen ON admin_sessions (last_seen_at);

-- Failed logins per key ('user:<name>' or 'addr:<address>'): the growing delay and the lock are
-- computed from these; a successful login clears its account's row.
CREATE TABLE admin_login_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL CHECK (failures > 0),
  last_failure_at timestamptz NOT NULL
);

-- The audit page filters by actor and action, newest first.
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
