-- Review decisions arrive through the campaign's events stream, like scans (settleReview-5.lua).

-- The review event's stream entry id makes a re-delivered entry insert nothing; scan_id is the
-- held scan it settled (the redemption's event_id).
ALTER TABLE review_decisions ADD COLUMN event_id text, ADD COLUMN scan_id text;
CREATE UNIQUE INDEX review_decisions_event ON review_decisions (campaign_id, event_id);

-- The ingest commits batches concurrently, so a review may commit before the batch holding its
-- held scan: the decision is kept without its redemption row, and applied when that row arrives
-- (gateway/ingest/scan-event-writer.ts).
ALTER TABLE review_decisions DROP CONSTRAINT review_decisions_campaign_id_code_fkey;

-- A bulk review names held scans by scan id alone: held decisions (reviewed or not) by event id.
CREATE INDEX redemptions_held_scan ON redemptions (event_id) WHERE outcome = 8;
