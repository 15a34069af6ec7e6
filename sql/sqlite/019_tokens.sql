-- tuoyu schema 19: registration authorities' API tokens (authority, rotation, request log). Owner: auth tokens (issue 8).

-- A registrar account's registration authority (market | civil | bianban | approval); NULL: not bound to one
-- (accounts from before this migration and `--authority all` accounts read and push for every authority).
ALTER TABLE users ADD COLUMN authority TEXT;

-- Tokens get a label, an expiry, a per-token rate override and their rotation lineage. revoked_at is the
-- moment the token stops working: now for a revocation, now + rotate_grace_seconds for a rotated token.
ALTER TABLE api_tokens ADD COLUMN name TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN rate_per_minute INTEGER;
ALTER TABLE api_tokens ADD COLUMN rotated_from INTEGER;

-- One row per request authenticated by a bearer token (written after the response; purged after
-- token_log_days). path is the request path without its query string; never the token.
CREATE TABLE token_requests (
  id INTEGER PRIMARY KEY,
  token_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  client_ip TEXT
) STRICT;
CREATE INDEX token_requests_token ON token_requests (token_id, created_at);
CREATE INDEX token_requests_created ON token_requests (created_at);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
