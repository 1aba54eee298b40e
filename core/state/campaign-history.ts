import type pg from 'pg';
import { outcomeNames, type Outcome } from '../scan/outcomes.js';

/** One row of `redemptions`: a code consumed by a won, no_prize or held decision. */
export interface RedeemedCode {
  readonly code: string;
  readonly deviceId: string;
  readonly outcome: Outcome;
  readonly review: 'approved' | 'rejected' | null;
  readonly tierId: string | null;
  /** the stream entry id of the decision: the scanId answered on replays */
  readonly eventId: string;
  readonly redeemedAtMs: number;
  /** the consuming decision's reason mask and score (0 when its event is not in scan_events) */
  readonly reasonMask: number;
  readonly score: number;
}

export type Counts = Record<string, number>;

/**
 * What Postgres knows of one campaign, read in one REPEATABLE READ snapshot so every count
 * agrees with every code listed. Large sets (codes, consumers) are read in pages by key, so a
 * campaign of millions of codes is rebuilt in constant memory.
 */
export interface CampaignHistory {
  /** batchId -> active */
  batches(): Promise<Map<number, boolean>>;
  /** tierId -> prizes issued: won, held (reserved) and approved */
  issued(): Promise<Counts>;
  /** tierId -> prizes reserved by held scans not yet reviewed */
  held(): Promise<Counts>;
  /** outcome name -> decisions (replays included), as the live counters count them */
  outcomes(): Promise<Counts>;
  redeemedCodes(pageSize: number): AsyncGenerator<RedeemedCode[]>;
  /** deviceId -> codes consumed, in the whole campaign or (with `since`/`until`) in one period */
  consumerCounts(pageSize: number, period?: { since: Date; until: Date }): AsyncGenerator<[string, number][]>;
  /** Where a campaign-local day (yyyymmdd) starts and ends, by Postgres' time zone rules. */
  dayBounds(day: string, timeZone: string): Promise<{ since: Date; until: Date }>;
  close(): Promise<void>;
}

const countsOf = (rows: { key: string; n: number }[]): Counts => Object.fromEntries(rows.map((row) => [row.key, row.n]));

interface RedeemedRow {
  code: string;
  device_id: string;
  outcome: Outcome;
  review: RedeemedCode['review'];
  tier_id: string | null;
  event_id: string;
  at_ms: number;
  reason_mask: number;
  score: number;
}

const toRedeemedCode = (row: RedeemedRow): RedeemedCode => ({
  code: row.code,
  deviceId: row.device_id,
  outcome: row.outcome,
  review: row.review,
  tierId: row.tier_id,
  eventId: row.event_id,
  redeemedAtMs: row.at_ms,
  reasonMask: row.reason_mask,
  score: row.score,
});

const issuingStatuses = ['won', 'held', 'approved'];

export async function openCampaignHistory(pool: pg.Pool, campaignId: string): Promise<CampaignHistory> {
  const client = await pool.connect();
  // Between queries the connection is ours, not the pool's: a server going away then must fail
  // the next query, not crash the process with an unhandled 'error' event.
  let lost: Error | undefined;
  const onError = (err: Error): void => void (lost = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (err) {
    client.off('error', onError);
    client.release(err as Error);
    throw err;
  }
  const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> => (await client.query<R>(sql, params)).rows;

  return {
    async batches() {
      const found = await rows<{ id: number; active: boolean }>(`SELECT id, status = 'active' AS active FROM code_batches WHERE campaign_id = $1`, [campaignId]);
      return new Map(found.map((row) => [row.id, row.active]));
    },
    async issued() {
      return countsOf(
        await rows(
          `SELECT tier_id AS key, count(*)::int AS n FROM redemptions
           WHERE campaign_id = $1 AND tier_id IS NOT NULL AND status = ANY($2::text[]) GROUP BY tier_id`,
          [campaignId, issuingStatuses],
        ),
      );
    },
    async held() {
      return countsOf(
        await rows(`SELECT tier_id AS key, count(*)::int AS n FROM redemptions WHERE campaign_id = $1 AND tier_id IS NOT NULL AND status = 'held' GROUP BY tier_id`, [
          campaignId,
        ]),
      );
    },
    async outcomes() {
      const found = await rows<{ outcome: Outcome; n: number }>(`SELECT outcome, count(*)::int AS n FROM scan_events WHERE campaign_id = $1 GROUP BY outcome`, [campaignId]);
      return Object.fromEntries(found.map((row) => [outcomeNames[row.outcome] ?? String(row.outcome), row.n]));
    },
    async *redeemedCodes(pageSize) {
      let after = '';
      for (;;) {
        // The event's key includes scanned_at (= redeemed_at), so the join prunes to one partition.
        const page = await rows<RedeemedRow>(
          `SELECT r.code, r.device_id, r.outcome, r.review, r.tier_id, r.event_id,
             floor(extract(epoch FROM r.redeemed_at) * 1000)::float8 AS at_ms,
             coalesce(e.reason_mask, 0) AS reason_mask, coalesce(e.score, 0) AS score
           FROM redemptions r
           LEFT JOIN scan_events e ON e.campaign_id = r.campaign_id AND e.event_id = r.event_id AND e.scanned_at = r.redeemed_at
           WHERE r.campaign_id = $1 AND r.code > $2 ORDER BY r.code LIMIT $3`,
          [campaignId, after, pageSize],
        );
        if (page.length === 0) return;
        yield page.map(toRedeemedCode);
        after = (page[page.length - 1] as RedeemedRow).code;
      }
    },
    async *consumerCounts(pageSize, period) {
      let after = '';
      for (;;) {
        const page = await rows<{ device_id: string; n: number }>(
          `SELECT device_id, count(*)::int AS n FROM redemptions
           WHERE campaign_id = $1 AND device_id > $2 AND ($4::timestamptz IS NULL OR redeemed_at >= $4) AND ($5::timestamptz IS NULL OR redeemed_at < $5)
           GROUP BY device_id ORDER BY device_id LIMIT $3`,
          [campaignId, after, pageSize, period?.since ?? null, period?.until ?? null],
        );
        if (page.length === 0) return;
        yield page.map((row) => [row.device_id, row.n]);
        after = (page[page.length - 1] as { device_id: string }).device_id;
      }
    },
    async dayBounds(day, timeZone) {
      const [row] = await rows<{ since: Date; until: Date }>(
        `SELECT to_date($1, 'YYYYMMDD')::timestamp AT TIME ZONE $2 AS since, (to_date($1, 'YYYYMMDD') + 1)::timestamp AT TIME ZONE $2 AS until`,
        [day, timeZone],
      );
      return row as { since: Date; until: Date };
    },
    async close() {
      let broken = lost;
      if (!broken) await client.query('COMMIT').catch((err: Error) => (broken = err));
      client.off('error', onError);
      client.release(broken);
    },
  };
}
