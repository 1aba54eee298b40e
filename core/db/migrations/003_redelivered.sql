-- A replay of a consuming answer that its phone never received (the connection dropped after the
-- decision), handed to that phone's retry as the original device: the event's `rd` flag.
ALTER TABLE scan_events ADD COLUMN redelivered boolean NOT NULL DEFAULT false;
