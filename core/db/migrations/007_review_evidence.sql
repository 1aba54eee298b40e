-- The review queue's evidence (core/review/evidence.ts): the other devices seen on a held scan's
-- address, read through an index (the code's history has scan_events_code; the device's other
-- scans use scan_events_device from 008). Created on the partitioned parent, so every day
-- partition gets it.
CREATE INDEX scan_events_ip ON scan_events (campaign_id, ip, scanned_at);

-- The raw User-Agent of a scan, as the phone sent it (attacker-controlled text: shown escaped).
-- Null for events that do not carry it.
ALTER TABLE scan_events ADD COLUMN user_agent text;

-- The review queue's page order across campaigns (core/review/queue.ts: oldest first, keyset on
-- redeemed_at, campaign, code): read in index order and stopped at the page's LIMIT, instead of
-- sorting every held row. A campaign filter uses redemptions_review_queue (001).
CREATE INDEX redemptions_review_order ON redemptions (redeemed_at, campaign_id, code) WHERE status = 'held';
