-- What the ingest (gateway/ingest/) needs beyond 001.

-- Stream entries the ingest gave up on after maxDeliveries failed attempts: kept whole (the raw
-- `d` payload, or the entry's whole field list as msgpack when it had no single `d` field) with
-- the last error, so nothing is dropped silently and an operator can fix and replay them.
-- No foreign key on campaign_id: a letter must be writable whatever else is wrong.
CREATE TABLE ingest_dead_letters (
  campaign_id text NOT NULL,
  stream_id text NOT NULL,
  payload bytea NOT NULL,
  error text NOT NULL,
  deliveries integer NOT NULL CHECK (deliveries > 0),
  failed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, stream_id)
);
