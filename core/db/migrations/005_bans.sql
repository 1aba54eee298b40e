-- Bans (admin console, issue #11). Postgres is the record; each campaign's `bans` hash in Redis is
-- the mirror the decision script reads (core/bans/). campaign_id NULL bans a subject in every
-- campaign. value is normalised (core/bans/ban-subjects.ts): a device id, an address in canonical
-- form, or a network as the gateway computes a scan's (IPv4 a.b.c.0/24, IPv6 x:x:x:x::/64).
-- A ban applies while lifted_at IS NULL and now < expires_at; rows are never deleted (history).
CREATE TABLE bans (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id text REFERENCES campaigns (id),
  kind text NOT NULL CHECK (kind IN ('device', 'address', 'network')),
  value text NOT NULL CHECK (value <> ''),
  reason text NOT NULL CHECK (reason <> ''),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  lifted_at timestamptz,
  lifted_by text,
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
-- The mirror's look-ups: one subject's unlifted bans, one campaign's unlifted bans.
CREATE INDEX bans_subject ON bans (kind, value) WHERE lifted_at IS NULL;
CREATE INDEX bans_campaign ON bans (campaign_id) WHERE lifted_at IS NULL;
