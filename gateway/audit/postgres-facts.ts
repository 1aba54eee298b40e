import type pg from 'pg';
import { consumesCode, Outcome, outcomeNames } from '../../core/scan/outcomes.js';

/** What Postgres holds for one campaign, read in one snapshot. */
export interface PostgresFacts {
  /** scan events by outcome name (replays included: each is a decision) */
  readonly outcomes: Readonly<Record<string, number>>;
  /** prizes issued per tier, as Redis counts them: won, held and approved (a rejected hold returned its prize) */
  readonly issued: Readonly<Record<string, number>>;
  /** reservations per tier: held and not yet reviewed */
  readonly held: Readonly<Record<string, number>>;
  /** held scans with more than one review decision (must be 0: a settle happens once) */
  readonly scansReviewedTwice: number;
  /** review decisions whose redemption does not show them (must be 0 once drained) */
  readonly reviewsUnapplied: number;
  /** codes with more than one redemption row (must be 0) */
  readonly codesRedeemedTwice: number;
  /** non-replay won / no_prize / held events, the distinct codes among them, redemption rows */
  readonly consumingEvents: number;
  readonly consumedCodes: number;
  readonly redemptions: number;
  readonly deadLetters: number;
  /** review_backlog_counts rows (held / reviewed per tier) that differ from a count of the redemptions (must be none) */
  readonly backlogCountMismatches: readonly BacklogCountMismatch[];
}

export interface BacklogCountMismatch {
  readonly tier: string;
  readonly kind: 'held' | 'reviewed';
  readonly kept: number;
  readonly counted: number;
}

const consuming = Object.values(Outcome).filter((o): o is Outcome => typeof o === 'number' && consumesCode(o));

const maxBigint = '9223372036854775807';

/** Stream ids compare as (ms, seq) numbers, not as text. */
const upToEntry = `(split_part(event_id, '-', 1)::bigint, split_part(event_id, '-', 2)::bigint) <= ($2::bigint, $3::bigint)`;

/**
 * Redemptions up to the snapshot, each with its review as of the snapshot: a review event after
 * the Redis snapshot may already be committed, and must not count yet.
 */
const settledAsOf = `FROM (SELECT r.tier_id, r.outcome, (SELECT CASE d.decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END
    FROM review_decisions d WHERE d.campaign_id = r.campaign_id AND d.code = r.code AND d.scan_id = r.event_id
      AND ${upToEntry.replaceAll('event_id', 'd.event_id')} LIMIT 1) AS review
  FROM redemptions r WHERE r.campaign_id = $1 AND ${upToEntry.replaceAll('event_id', 'r.event_id')}) settled WHERE true`;

function byKey(rows: { key: string | null; n: string }[], name: (key: string) => string = (k) => k): Record<string, number> {
  return Object.fromEntries(rows.filter((r) => r.key !== null).map((r) => [name(r.key as string), Number(r.n)]));
}

/**
 * Read-only and MVCC-consistent (REPEATABLE READ): events and redemptions are committed in the
 * same transaction by the ingest, so the snapshot never sees one without the other. `upTo`
 * limits the counts to decisions up to a stream id, to compare with a Redis snapshot (null: all).
 */
export async function readPostgresFacts(pool: pg.Pool, campaignId: string, upTo: string | null): Promise<PostgresFacts> {
  const [ms, seq] = (upTo ?? `${maxBigint}-${maxBigint}`).split('-');
  const params = [campaignId, ms, seq];
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const count = async (sql: string, extra: unknown[] = []): Promise<number> => Number((await client.query<{ n: string }>(sql, [...params, ...extra])).rows[0]?.n);
    const grouped = async (sql: string): Promise<{ key: string | null; n: string }[]> => (await client.query<{ key: string | null; n: string }>(sql, params)).rows;

    const outcomes = byKey(
      await grouped(`SELECT outcome::text AS key, count(*) AS n FROM scan_events WHERE campaign_id = $1 AND ${upToEntry} GROUP BY outcome`),
      (key) => outcomeNames[Number(key) as Outcome] ?? key,
    );
    const issued = byKey(await grouped(`SELECT tier_id AS key, count(*) AS n ${settledAsOf} AND (outcome = ${Outcome.Won} OR (outcome = ${Outcome.Held} AND review IS DISTINCT FROM 'rejected')) GROUP BY tier_id`));
    const held = byKey(await grouped(`SELECT tier_id AS key, count(*) AS n ${settledAsOf} AND outcome = ${Outcome.Held} AND review IS NULL GROUP BY tier_id`));
    const reviewsPerScan = `FROM review_decisions WHERE campaign_id = $1 AND ${upToEntry} GROUP BY code, scan_id`;
    const scansReviewedTwice = await count(`SELECT count(*) AS n FROM (SELECT 1 ${reviewsPerScan} HAVING count(*) > 1) twice`);
    const reviewsUnapplied = await count(
      `SELECT count(*) AS n FROM review_decisions d WHERE d.campaign_id = $1 AND ${upToEntry.replaceAll('event_id', 'd.event_id')} AND NOT EXISTS (
         SELECT 1 FROM redemptions r WHERE r.campaign_id = d.campaign_id AND r.code = d.code AND r.event_id = d.scan_id
           AND r.review = CASE d.decision WHEN 'approve' THEN 'approved' ELSE 'rejected' END)`,
    );
    const codesRedeemedTwice = await count(
      `SELECT count(*) AS n FROM (SELECT code FROM redemptions WHERE campaign_id = $1 AND ${upToEntry} GROUP BY code HAVING count(*) > 1) twice`,
    );
    const consumingSql = `FROM scan_events WHERE campaign_id = $1 AND ${upToEntry} AND NOT replay AND outcome = ANY($4::smallint[])`;
    const consumingEvents = await count(`SELECT count(*) AS n ${consumingSql}`, [consuming]);
    const consumedCodes = await count(`SELECT count(DISTINCT code) AS n ${consumingSql}`, [consuming]);
    const redemptions = await count(`SELECT count(*) AS n FROM redemptions WHERE campaign_id = $1 AND ${upToEntry}`);
    const deadLetters = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM ingest_dead_letters WHERE campaign_id = $1', [campaignId])).rows[0]?.n);
    // The counts the review queue reads (kept by triggers, migration 014) against the rows they count: all rows, not
    // up to the Redis snapshot, since the triggers count in the transaction that writes each row.
    const backlogCountMismatches = (
      await client.query<{ tier: string; kind: 'held' | 'reviewed'; kept: string; counted: string }>(
        `WITH counted AS (
           SELECT coalesce(tier_id, '') AS tier, 'held' AS kind, count(*) AS n FROM redemptions WHERE campaign_id = $1 AND outcome = ${Outcome.Held} GROUP BY 1
           UNION ALL
           SELECT coalesce(tier_id, ''), 'reviewed', count(*) FROM redemptions WHERE campaign_id = $1 AND outcome = ${Outcome.Held} AND review IS NOT NULL GROUP BY 1
         ), kept AS (SELECT tier_id AS tier, kind, scans AS n FROM review_backlog_counts WHERE campaign_id = $1)
         SELECT tier, kind, coalesce(k.n, 0) AS kept, coalesce(c.n, 0) AS counted
         FROM kept k FULL JOIN counted c USING (tier, kind) WHERE coalesce(k.n, 0) <> coalesce(c.n, 0) ORDER BY tier, kind`,
        [campaignId],
      )
    ).rows.map((row) => ({ tier: row.tier, kind: row.kind, kept: Number(row.kept), counted: Number(row.counted) }));
    await client.query('COMMIT');
    return { outcomes, issued, held, codesRedeemedTwice, consumingEvents, consumedCodes, redemptions, deadLetters, scansReviewedTwice, reviewsUnapplied, backlogCountMismatches };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
