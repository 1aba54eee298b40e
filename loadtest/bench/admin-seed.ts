import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CodeSigner } from '../../core/codes/code-signer.js';
import { CODE_LENGTH } from '../../core/codes/code-format.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';

/**
 * Seeds a campaign's history for the admin benchmark: `events` scan events by COPY (rows
 * generated as the stream drains, so memory stays flat), spread evenly over `days` days before
 * `end`, then the redemptions they imply (one per consumed code) in one statement. The mix is a
 * promotion's: most scans win or lose, 2% are held (the review queue; four reason sets and
 * scores in turn), 5% re-scan an earlier code, a few are refused. A device scans about 5 times, from its own address.
 */
export interface SeedPlan {
  readonly campaignId: string;
  readonly batchId: number;
  readonly events: number;
  readonly days: number;
  readonly end: number;
  readonly signer: CodeSigner;
}

const ROWS_PER_CHUNK = 5000;
const SCANS_PER_DEVICE = 5;

/** A 22-character base64url device id, the same for the same number (so the benchmark can pick one back). */
export function seededDevice(index: number): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(index, 0);
  bytes.writeUInt32BE(0x5ca9ca7e, 12);
  return bytes.toString('base64url');
}

export const seededDeviceOf = (event: number): number => Math.floor(event / SCANS_PER_DEVICE);

/** The serial event i's code has: a re-scan (every 20th event) repeats the code of 1,000 events earlier. */
export const seededSerialOf = (event: number): number => (event % 20 === 19 && event >= 1000 ? event - 1000 : event);

/** Held scans cycle through four reason sets and scores, so a reason or score filter of the queue keeps some and drops others. */
const heldFor = [
  { score: 65, reasons: reasonBits.device_velocity | reasonBits.ip_velocity },
  { score: 70, reasons: reasonBits.ip_device_farm },
  { score: 75, reasons: reasonBits.region_diversion | reasonBits.new_device_top_prize },
  { score: 80, reasons: reasonBits.ip_velocity | reasonBits.ip_device_farm },
] as const;

function outcomeOf(event: number): { outcome: Outcome; tier: string; score: number; reasons: number } {
  if (event % 20 === 19 && event >= 1000) return { outcome: Outcome.AlreadyRedeemed, tier: '\\N', score: 10, reasons: 0 };
  const slot = event % 50;
  if (slot === 0) {
    const held = heldFor[Math.floor(event / 50) % heldFor.length] as (typeof heldFor)[number];
    return { outcome: Outcome.Held, tier: 'grand', score: held.score, reasons: held.reasons };
  }
  if (slot === 1) return { outcome: Outcome.Blocked, tier: '\\N', score: 92, reasons: reasonBits.headless_agent };
  if (slot < 15) return { outcome: Outcome.Won, tier: 'points', score: 5, reasons: 0 };
  return { outcome: Outcome.NoPrize, tier: '\\N', score: 5, reasons: 0 };
}

const scanColumns = 'scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class, region, tier_id';

function* chunks(plan: SeedPlan): Generator<string> {
  const start = plan.end - plan.days * 86_400_000;
  const step = (plan.days * 86_400_000) / plan.events;
  const code = Buffer.alloc(CODE_LENGTH);
  for (let first = 0; first < plan.events; first += ROWS_PER_CHUNK) {
    let text = '';
    for (let i = first; i < Math.min(plan.events, first + ROWS_PER_CHUNK); i++) {
      const at = Math.floor(start + i * step);
      const serial = seededSerialOf(i);
      const device = seededDeviceOf(i);
      const { outcome, tier, score, reasons } = outcomeOf(i);
      plan.signer.writeCode(plan.batchId, serial, code, 0);
      const ip = `10.${(device >> 16) & 255}.${(device >> 8) & 255}.${device & 255}`;
      text += `${new Date(at).toISOString()}\t${serial}\t${plan.batchId}\t${reasons}\t${outcome}\t${score}\tf\t${i % SCANS_PER_DEVICE === 0 ? 't' : 'f'}\t${plan.campaignId}\t${at}-${i % 16}\t${code.toString('latin1')}\t${seededDevice(device)}\t${ip}\tmobile\tCN-SH\t${tier}\n`;
    }
    yield text;
  }
}

export async function seedAdminHistory(pool: pg.Pool, plan: SeedPlan): Promise<void> {
  await ensureScanEventPartitions(pool, new Date(plan.end - plan.days * 86_400_000), new Date(plan.end));
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(chunks(plan)), client.query(copyFrom(`COPY scan_events (${scanColumns}) FROM STDIN`)));
    // one redemption per consumed code: the decision that consumed it (re-scans consume nothing)
    await client.query(
      `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at, score, reason_mask)
       SELECT campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, scanned_at,
         CASE WHEN outcome = ${Outcome.Held} THEN score END, CASE WHEN outcome = ${Outcome.Held} THEN reason_mask END FROM scan_events
       WHERE campaign_id = $1 AND outcome IN (${Outcome.Won}, ${Outcome.NoPrize}, ${Outcome.Held})`,
      [plan.campaignId],
    );
    await client.query('ANALYZE scan_events');
    // VACUUM as well: autovacuum has long since set the visibility map of a days-old history, and
    // the review backlog's count is an index-only scan that fetches every heap row without it
    await client.query('VACUUM (ANALYZE) redemptions');
  } finally {
    client.release();
  }
}
