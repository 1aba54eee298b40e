import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { copyLine } from '../../gateway/ingest/copy-text.js';

const dayMs = 86_400_000;
/** the regions batches ship to (batch i to region i mod 5) and scans come from (a seventh of the scans has none) */
export const seedRegions = ['CN-SH', 'CN-BJ', 'CN-GD', 'CN-ZJ', 'CN-JS'];
/** of the located scans, the share scanned in the batch's own region (the rest: diverted) */
const IN_REGION = 0.85;
/** outcome, tier, reason mask: roughly a promotion's mix (as ingest.bench.ts) */
const MIX: [Outcome, string | null, number][] = [
  [Outcome.NoPrize, null, 0],
  [Outcome.NoPrize, null, 0],
  [Outcome.NoPrize, null, 0],
  [Outcome.Won, 'grand', 0],
  [Outcome.Won, 'points', 0],
  [Outcome.AlreadyRedeemed, null, reasonBits.clone],
  [Outcome.Held, 'grand', reasonBits.device_velocity | reasonBits.ip_velocity],
  [Outcome.LimitReached, null, 0],
  [Outcome.Blocked, null, reasonBits.ip_device_farm],
  [Outcome.Won, 'points', 0],
];

export interface AnalyticsSeed {
  readonly campaignId: string;
  /** the batches' ids, scans spread over them in turn */
  readonly batches: readonly number[];
  readonly events: number;
  readonly days: number;
  /** the seeded history ends here (ms) */
  readonly end: number;
}

/** A deterministic 32-bit mix of the event number (murmur3's finaliser): independent-looking dimensions per event. */
function mix32(i: number): number {
  let h = Math.imul(i ^ (i >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * COPYs `events` scan events of the campaign, evenly over `days` days before `end`, in time order
 * (rows generated as the stream drains, so memory stays flat). Four scans per device, spread over
 * the whole history (device = i × 7919 mod devices), so devices span many days with gaps. Batch,
 * scanned region and replay are drawn independently of each other and of the outcome, so the
 * hourly rollup holds as many rows per hour as a campaign with these batches and regions has.
 */
export async function seedAnalyticsEvents(pool: pg.Pool, seed: AnalyticsSeed): Promise<void> {
  const { campaignId, batches, events, days, end } = seed;
  const start = end - days * dayMs;
  await ensureScanEventPartitions(pool, new Date(start), new Date(end));
  const devices = Math.max(1, Math.floor(events / 4));
  function* rows(): Generator<string> {
    const perChunk = 10_000;
    for (let first = 0; first < events; first += perChunk) {
      let chunk = '';
      for (let i = first; i < Math.min(events, first + perChunk); i++) {
        const [outcome, tier, reasons] = MIX[i % MIX.length] as (typeof MIX)[number];
        const at = new Date(start + Math.floor((i / events) * days * dayMs)).toISOString();
        const device = `dev${String((i * 7919) % devices).padStart(19, '0')}`;
        const h = mix32(i);
        const batch = h % batches.length;
        const diverted = ((h >>> 8) & 0xff) / 256 >= IN_REGION;
        const regionIndex = diverted ? batch + 1 + ((h >>> 16) % (seedRegions.length - 1)) : batch;
        const region = (h >>> 24) % 7 === 0 ? null : (seedRegions[regionIndex % seedRegions.length] as string);
        const replay = (h >>> 20) % 13 === 0;
        chunk += copyLine([at, i, batches[batch] as number, reasons, outcome, 0, replay, false, campaignId, `${i}-0`, `C${i}`, device, '203.0.113.9', tier, region, 'mobile']);
      }
      yield chunk;
    }
  }
  const client = await pool.connect();
  try {
    await pipeline(
      Readable.from(rows()),
      client.query(
        copyFrom(`COPY scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, tier_id, region, ua_class) FROM STDIN`),
      ),
    );
  } finally {
    client.release();
  }
}
