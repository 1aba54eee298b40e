import type pg from 'pg';
import { Outcome } from '../../core/scan/outcomes.js';
import type { ReviewEventRow } from './scan-event.js';
import { reviewRollups, reviewSourceColumns, upsertRollupsFrom } from '../../core/analytics/rollups.js';

/**
 * The review half of an ingest batch, inside the batch's transaction. Each review event becomes
 * one review_decisions row (its stream id is unique, so a re-delivered entry inserts nothing) and
 * one audit_log row (written only with a new decision), and settles its redemption.
 *
 * Batches commit concurrently, so a review can commit before the batch holding its held scan. The
 * decision is then kept alone, and applied by whichever transaction commits second: each applies
 * every decision that matches a redemption of the codes it wrote (reviewed or held), under a lock
 * per code taken after its own rows are written. The second one's statement therefore starts
 * after the first one committed and sees both rows.
 */

/** With rollups, the review rollup adds up the decisions inserted (fresh), like the scans'. */
const insertDecisions = (rollups: boolean) => `
  WITH fresh AS (
    INSERT INTO review_decisions (campaign_id, event_id, code, scan_id, decision, reviewer, note, decided_at, tier_id)
    SELECT campaign_id, event_id, code, scan_id, decision, reviewer, note, timestamptz 'epoch' + at_ms * interval '1 millisecond', tier_id
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
      AS r (campaign_id, event_id, code, scan_id, decision, reviewer, note, at_ms, tier_id)
    ON CONFLICT (campaign_id, event_id) DO NOTHING
    RETURNING event_id, code, scan_id, reviewer, note, ${reviewSourceColumns}
  ) ${rollups ? upsertRollupsFrom(reviewRollups, 'fresh') : ''}
  INSERT INTO audit_log (at, actor, action, subject, detail)
  SELECT decided_at, reviewer, 'review.' || decision, 'redemption:' || campaign_id || ':' || code,
    jsonb_build_object('scanId', scan_id, 'eventId', event_id, 'note', note)
  FROM fresh`;

/** Sorted, so two transactions locking overlapping codes never wait for each other in a cycle. */
const lockCodes = `
  SELECT pg_advisory_xact_lock(hashtextextended(campaign_id || ':' || code, 0))
  FROM (SELECT DISTINCT campaign_id, code FROM unnest($1::text[], $2::text[]) AS c (campaign_id, code) ORDER BY 1, 2) codes`;

/** The CHECK on redemptions allows a review of a held decision only; the scan id must match too. */
const applyDecisions = `
  UPDATE redemptions r SET review = CASE d.decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END
  FROM review_decisions d, unnest($1::text[], $2::text[]) AS c (campaign_id, code)
  WHERE r.campaign_id = c.campaign_id AND r.code = c.code
    AND d.campaign_id = r.campaign_id AND d.code = r.code AND d.scan_id = r.event_id
    AND r.outcome = ${Outcome.Held} AND r.review IS NULL`;

export async function writeReviews(
  client: pg.PoolClient,
  reviews: readonly ReviewEventRow[],
  held: { campaignIds: string[]; codes: string[] },
  options: { rollups: boolean },
): Promise<void> {
  if (reviews.length > 0) {
    const column = <K extends keyof ReviewEventRow>(key: K) => reviews.map((review) => review[key]);
    await client.query(insertDecisions(options.rollups), [
      column('campaignId'),
      column('eventId'),
      column('code'),
      column('scanId'),
      column('decision'),
      column('reviewer'),
      column('note'),
      column('decidedAt'),
      column('tierId'),
    ]);
  }
  const campaignIds = [...held.campaignIds, ...reviews.map((review) => review.campaignId)];
  if (campaignIds.length === 0) return;
  const codes = [...held.codes, ...reviews.map((review) => review.code)];
  await client.query(lockCodes, [campaignIds, codes]);
  await client.query(applyDecisions, [campaignIds, codes]);
}
