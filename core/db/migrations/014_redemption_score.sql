-- The review queue (core/review/queue.ts) without reading scan_events or counting every held row.

-- A held decision's score and fraud reasons on its redemption (the ingest writes them with the
-- row; NULL for the other outcomes), so a reason or score filter reads the held rows alone instead
-- of joining each to its event (seconds at 10 M events). Backfilled from the held scans' events;
-- a held row whose event partition was pruned keeps NULL (the queue shows score 0, no reasons).
ALTER TABLE redemptions ADD COLUMN score smallint, ADD COLUMN reason_mask integer;
UPDATE redemptions r SET (score, reason_mask) = (
  SELECT e.score, e.reason_mask FROM scan_events e
  WHERE e.campaign_id = r.campaign_id AND e.event_id = r.event_id AND e.scanned_at = r.redeemed_at)
WHERE r.outcome = 8;

-- The queue's two orders over pending held rows (all campaigns; one campaign) carry every column
-- a page row and a filter read: a page, a filtered page and a capped filtered count are
-- index-only scans that stop at their LIMIT.
DROP INDEX redemptions_review_order;
CREATE INDEX redemptions_review_order ON redemptions (redeemed_at, campaign_id, code)
  INCLUDE (tier_id, score, reason_mask, device_id, event_id) WHERE status = 'held';
DROP INDEX redemptions_review_queue;
CREATE INDEX redemptions_review_queue ON redemptions (campaign_id, redeemed_at, code)
  INCLUDE (tier_id, score, reason_mask, device_id, event_id) WHERE status = 'held';

-- The backlog's size per campaign and tier, kept by triggers on redemptions in the transaction
-- that writes the rows (whoever writes them: the ingest, a fixture, an operator's fix), so the
-- queue reads a few rows instead of counting every pending held row on each page view.
-- Pending = held - reviewed. The two are separate rows, so the ingest's insert of held rows and
-- its update applying reviews (two statements of one transaction) lock different rows, each
-- statement in key order: concurrent ingest transactions cannot deadlock on them.
CREATE TABLE review_backlog_counts (
  campaign_id text NOT NULL,
  -- '' for a held decision without a tier (none today: a held scan reserves a prize)
  tier_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('held', 'reviewed')),
  scans bigint NOT NULL,
  PRIMARY KEY (campaign_id, tier_id, kind)
);

INSERT INTO review_backlog_counts (campaign_id, tier_id, kind, scans)
SELECT campaign_id, coalesce(tier_id, ''), 'held', count(*) FROM redemptions WHERE outcome = 8 GROUP BY 1, 2
UNION ALL
SELECT campaign_id, coalesce(tier_id, ''), 'reviewed', count(*) FROM redemptions WHERE outcome = 8 AND review IS NOT NULL GROUP BY 1, 2;

-- Adds one statement's changes: +1 for each held (reviewed) row it added, -1 for each it took
-- away; keys in order, unchanged keys untouched.
CREATE FUNCTION review_backlog_add(added redemptions[], removed redemptions[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO review_backlog_counts AS c (campaign_id, tier_id, kind, scans)
  SELECT campaign_id, tier_id, kind, sum(delta) FROM (
    SELECT r.campaign_id, coalesce(r.tier_id, '') AS tier_id, k.kind, d.delta
    FROM (SELECT a, 1 AS delta FROM unnest(added) a UNION ALL SELECT a, -1 FROM unnest(removed) a) d (row, delta)
    CROSS JOIN LATERAL (SELECT (d.row).*) r
    CROSS JOIN LATERAL (VALUES ('held', r.outcome = 8), ('reviewed', r.outcome = 8 AND r.review IS NOT NULL)) k (kind, counts)
    WHERE k.counts
  ) changes
  GROUP BY campaign_id, tier_id, kind HAVING sum(delta) <> 0
  ORDER BY campaign_id, tier_id, kind
  ON CONFLICT (campaign_id, tier_id, kind) DO UPDATE SET scans = c.scans + excluded.scans
$$;

-- Called by every statement that writes redemptions, with the rows it wrote (transition tables).
CREATE FUNCTION review_backlog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM review_backlog_add(ARRAY(SELECT n::redemptions FROM new_rows n WHERE n.outcome = 8), '{}');
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM review_backlog_add(ARRAY(SELECT n::redemptions FROM new_rows n WHERE n.outcome = 8), ARRAY(SELECT o::redemptions FROM old_rows o WHERE o.outcome = 8));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM review_backlog_add('{}', ARRAY(SELECT o::redemptions FROM old_rows o WHERE o.outcome = 8));
  ELSE
    DELETE FROM review_backlog_counts;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER review_backlog_inserted AFTER INSERT ON redemptions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_backlog_changed();
CREATE TRIGGER review_backlog_updated AFTER UPDATE ON redemptions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION review_backlog_changed();
CREATE TRIGGER review_backlog_deleted AFTER DELETE ON redemptions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION review_backlog_changed();
CREATE TRIGGER review_backlog_truncated AFTER TRUNCATE ON redemptions
  FOR EACH STATEMENT EXECUTE FUNCTION review_backlog_changed();
