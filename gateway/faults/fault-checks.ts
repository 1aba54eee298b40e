import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Campaign } from '../../config/campaign-schema.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { consumesCode, Outcome, outcomeNames } from '../../core/scan/outcomes.js';
import type { RecordedScan } from './scan-load.js';

/**
 * What a fault test compares once the ingest has drained: what the phones were told against what
 * Postgres holds, and Postgres against the promises (each code redeemed once, prizes within
 * inventory, every decision recorded once). Each list names the offenders, so a failure says
 * which scan or code broke which promise.
 */
export interface Comparison {
  /** answers (200) whose decision Postgres does not hold: the decision was lost */
  readonly lostAnswers: readonly RecordedScan[];
  /** codes consumed by more than one decision in scan_events */
  readonly codesRedeemedTwice: readonly string[];
  /** codes whose consuming decision (not a replay) more than one answer announced */
  readonly codesAnsweredTwice: readonly string[];
  /** prizes issued per tier (redemptions) */
  readonly issued: Readonly<Record<string, number>>;
  readonly overIssued: readonly { tier: string; issued: number; inventory: number }[];
  /** decisions the campaign's events stream ever took (XINFO entries-added) */
  readonly decisionsInRedis: number;
  readonly decisionsInPostgres: number;
  /** rows by outcome name, for the record */
  readonly outcomes: Readonly<Record<string, number>>;
}

const consumingNames: ReadonlySet<string> = new Set(Object.values(Outcome).filter((o): o is Outcome => typeof o === 'number' && consumesCode(o)).map((o) => outcomeNames[o]));

async function entriesAdded(redis: Redis, stream: string): Promise<number> {
  const info = (await redis.call('XINFO', 'STREAM', stream).catch(() => [])) as unknown[];
  const at = info.indexOf('entries-added');
  return at < 0 ? 0 : Number(info[at + 1]);
}

export async function compareWithPostgres(pool: pg.Pool, redis: Redis, keyPrefix: string, campaign: Campaign, scans: readonly RecordedScan[]): Promise<Comparison> {
  const events = await pool.query<{ event_id: string; code: string; outcome: Outcome }>('SELECT event_id, code, outcome FROM scan_events WHERE campaign_id = $1', [campaign.id]);
  const redemptions = await pool.query<{ code: string; event_id: string }>('SELECT code, event_id FROM redemptions WHERE campaign_id = $1', [campaign.id]);
  const twice = await pool.query<{ code: string }>(
    `SELECT code FROM scan_events WHERE campaign_id = $1 AND NOT replay AND outcome = ANY($2::smallint[]) GROUP BY code HAVING count(*) > 1`,
    [campaign.id, [Outcome.Won, Outcome.NoPrize, Outcome.Held]],
  );
  const issued = await pool.query<{ tier_id: string; n: number }>(
    `SELECT tier_id, count(*)::int AS n FROM redemptions WHERE campaign_id = $1 AND tier_id IS NOT NULL GROUP BY tier_id`,
    [campaign.id],
  );

  const eventById = new Map(events.rows.map((row) => [row.event_id, row]));
  const redemptionByCode = new Map(redemptions.rows.map((row) => [row.code, row.event_id]));
  const held = (scan: RecordedScan): boolean => {
    // A replay answers with the scan id of the decision that consumed the code.
    if (scan.replay) return redemptionByCode.get(scan.code) === scan.scanId;
    const event = scan.scanId === undefined ? undefined : eventById.get(scan.scanId);
    if (event === undefined || event.code !== scan.code || outcomeNames[event.outcome] !== scan.outcome) return false;
    return !consumingNames.has(scan.outcome ?? '') || redemptionByCode.get(scan.code) === scan.scanId;
  };
  const answered = scans.filter((scan) => scan.status === 200);

  const consumingAnswers = new Map<string, number>();
  for (const scan of answered) {
    if (!scan.replay && consumingNames.has(scan.outcome ?? '')) consumingAnswers.set(scan.code, (consumingAnswers.get(scan.code) ?? 0) + 1);
  }
  const outcomes: Record<string, number> = {};
  for (const row of events.rows) outcomes[outcomeNames[row.outcome]] = (outcomes[outcomeNames[row.outcome]] ?? 0) + 1;

  return {
    lostAnswers: answered.filter((scan) => !held(scan)),
    codesRedeemedTwice: twice.rows.map((row) => row.code),
    codesAnsweredTwice: [...consumingAnswers].filter(([, count]) => count > 1).map(([code]) => code),
    issued: Object.fromEntries(issued.rows.map((row) => [row.tier_id, row.n])),
    overIssued: issued.rows
      .map((row) => ({ tier: row.tier_id, issued: row.n, inventory: campaign.tiers.find((tier) => tier.id === row.tier_id)?.inventory ?? 0 }))
      .filter((tier) => tier.issued > tier.inventory),
    decisionsInRedis: await entriesAdded(redis, campaignKeys(keyPrefix, campaign.id).events),
    decisionsInPostgres: events.rows.length,
    outcomes,
  };
}

/**
 * The broken promises in a comparison, one line each (empty when all hold). With
 * `everyDecisionRecorded`, Redis kept its stream through the fault, so Postgres must hold
 * exactly the decisions the stream took: none missing, none twice.
 */
export function brokenPromises(c: Comparison, options: { everyDecisionRecorded: boolean }): string[] {
  const found: string[] = [];
  if (c.lostAnswers.length > 0) found.push(`${c.lostAnswers.length} answers have no decision in Postgres: ${JSON.stringify(c.lostAnswers.slice(0, 5))}`);
  if (c.codesRedeemedTwice.length > 0) found.push(`codes consumed twice in Postgres: ${c.codesRedeemedTwice.slice(0, 5).join(', ')}`);
  if (c.codesAnsweredTwice.length > 0) found.push(`codes announced as consumed to two scans: ${c.codesAnsweredTwice.slice(0, 5).join(', ')}`);
  if (c.overIssued.length > 0) found.push(`prizes beyond inventory: ${JSON.stringify(c.overIssued)}`);
  if (options.everyDecisionRecorded && c.decisionsInPostgres !== c.decisionsInRedis)
    found.push(`the events stream took ${c.decisionsInRedis} decisions, Postgres holds ${c.decisionsInPostgres}`);
  return found;
}
