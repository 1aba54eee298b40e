-- The review queue's evidence (core/review/evidence.ts): a held scan's device's other scans, and
-- the other devices seen on its address, read through indexes (the code's history already has
-- scan_events_code). Created on the partitioned parent, so every day partition gets them.
CREATE INDEX scan_events_device ON scan_events (campaign_id, device_id, scanned_at);
CREATE INDEX scan_events_ip ON scan_events (campaign_id, ip, scanned_at);

-- The raw User-Agent of a scan, as the phone sent it (attacker-controlled text: shown escaped).
-- Null for events that do not carry it.
ALTER TABLE scan_events ADD COLUMN user_agent text;
