import type pg from 'pg';
import type { Ban } from '../bans/bans.js';
import { clientNetwork } from '../net/ip-address.js';
import { bansTouching } from '../trace/touching-bans.js';
import { outcomeNames, type Outcome, type OutcomeName } from '../scan/outcomes.js';
import { reasonsFromMask, type ReasonCode } from '../scan/reasons.js';

/** Rows per evidence list: enough to judge a scan, bounded so one page of the queue stays cheap. */
export const EVIDENCE_LIMIT = 10;

/** One scan event as evidence shows it. */
export interface EvidenceScan {
  readonly scanId: string;
  readonly scannedAtMs: number;
  readonly code: string;
  readonly deviceId: string;
  readonly ip: string;
  readonly outcome: OutcomeName;
  readonly tierId: string | null;
  readonly score: number;
  readonly reasons: ReasonCode[];
  readonly replay: boolean;
  readonly uaClass: string;
  /** the raw User-Agent (attacker-controlled text); null when the event did not carry it */
  readonly userAgent: string | null;
  readonly region: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
}

/** A prize the device holds in the campaign (won, held, approved or rejected). */
export interface EvidencePrize {
  readonly code: string;
  readonly tierId: string | null;
  readonly status: string;
  readonly redeemedAtMs: number;
}

export interface OtherDevice {
  readonly deviceId: string;
  readonly scans: number;
  readonly lastSeenMs: number;
}

/** Everything a reviewer weighs for one held scan. Each list is newest first, at most EVIDENCE_LIMIT long. */
export interface ScanEvidence {
  /** the held scan's own event; null until the ingest has written it */
  readonly scan: EvidenceScan | null;
  readonly batchId: number | null;
  /** the region the code's batch shipped to */
  readonly batchRegion: string | null;
  /** every scan of the code: the consuming one, replays and clone attempts by other devices */
  readonly codeHistory: EvidenceScan[];
  /** the device's other scans in the campaign */
  readonly deviceScans: EvidenceScan[];
  readonly devicePrizes: EvidencePrize[];
  /** other devices seen on the held scan's address in the campaign */
  readonly addressDevices: OtherDevice[];
  /** bans in force that reach the campaign and name the held scan's device, address or network */
  readonly bans: Ban[];
}

export interface EvidenceTarget {
  readonly campaignId: string;
  readonly code: string;
  readonly scanId: string;
}

interface EventRow {
  event_id: string;
  at_ms: number;
  code: string;
  device_id: string;
  ip: string;
  outcome: number;
  tier_id: string | null;
  score: number;
  reason_mask: number;
  replay: boolean;
  ua_class: string;
  user_agent: string | null;
  region: string | null;
  lat: number | null;
  lon: number | null;
}

const eventColumns = `event_id, floor(extract(epoch FROM scanned_at) * 1000)::float8 AS at_ms, code, device_id, host(ip) AS ip,
  outcome, tier_id, score, reason_mask, replay, ua_class, user_agent, region, lat, lon`;

const toScan = (row: EventRow): EvidenceScan => ({
  scanId: row.event_id,
  scannedAtMs: row.at_ms,
  code: row.code,
  deviceId: row.device_id,
  ip: row.ip,
  outcome: outcomeNames[row.outcome as Outcome],
  tierId: row.tier_id,
  score: row.score,
  reasons: reasonsFromMask(row.reason_mask),
  replay: row.replay,
  uaClass: row.ua_class,
  userAgent: row.user_agent,
  region: row.region,
  lat: row.lat,
  lon: row.lon,
});

/**
 * The evidence of one held scan, read from Postgres. Each query goes through an index
 * (scan_events_code, scan_events_device, scan_events_ip, redemptions_device) and is bounded;
 * every value is a parameter. The code-trace page reads a code's history the same way.
 */
export async function readScanEvidence(pool: pg.Pool, target: EvidenceTarget, now = Date.now()): Promise<ScanEvidence> {
  const { campaignId, code, scanId } = target;
  const codeHistory = (
    await pool.query<EventRow>(`SELECT ${eventColumns} FROM scan_events WHERE campaign_id = $1 AND code = $2 ORDER BY scanned_at DESC LIMIT $3`, [campaignId, code, EVIDENCE_LIMIT])
  ).rows.map(toScan);
  const scan = codeHistory.find((event) => event.scanId === scanId) ?? null;
  const batch = await pool.query<{ id: number; region: string | null }>(
    `SELECT b.id, b.region FROM redemptions r JOIN code_batches b ON b.id = r.batch_id WHERE r.campaign_id = $1 AND r.code = $2`,
    [campaignId, code],
  );
  if (scan === null) return { scan, batchId: batch.rows[0]?.id ?? null, batchRegion: batch.rows[0]?.region ?? null, codeHistory, deviceScans: [], devicePrizes: [], addressDevices: [], bans: [] };
  const subjects = [
    { kind: 'device', value: scan.deviceId },
    { kind: 'address', value: scan.ip },
    { kind: 'network', value: clientNetwork(scan.ip) },
  ] as const;
  const [deviceScans, devicePrizes, addressDevices, bans] = await Promise.all([
    pool.query<EventRow>(
      `SELECT ${eventColumns} FROM scan_events WHERE campaign_id = $1 AND device_id = $2 AND code <> $3 ORDER BY scanned_at DESC LIMIT $4`,
      [campaignId, scan.deviceId, code, EVIDENCE_LIMIT],
    ),
    pool.query<{ code: string; tier_id: string | null; status: string; at_ms: number }>(
      `SELECT code, tier_id, status, floor(extract(epoch FROM redeemed_at) * 1000)::float8 AS at_ms FROM redemptions
       WHERE campaign_id = $1 AND device_id = $2 AND code <> $3 AND tier_id IS NOT NULL ORDER BY redeemed_at DESC LIMIT $4`,
      [campaignId, scan.deviceId, code, EVIDENCE_LIMIT],
    ),
    pool.query<{ device_id: string; scans: number; last_ms: number }>(
      `SELECT device_id, count(*)::int AS scans, floor(extract(epoch FROM max(scanned_at)) * 1000)::float8 AS last_ms FROM scan_events
       WHERE campaign_id = $1 AND ip = $2::inet AND device_id <> $3 GROUP BY device_id ORDER BY last_ms DESC LIMIT $4`,
      [campaignId, scan.ip, scan.deviceId, EVIDENCE_LIMIT],
    ),
    bansTouching({ pool, now: () => now }, subjects, campaignId, { inForce: true }),
  ]);
  return {
    scan,
    batchId: batch.rows[0]?.id ?? null,
    batchRegion: batch.rows[0]?.region ?? null,
    codeHistory,
    deviceScans: deviceScans.rows.map(toScan),
    devicePrizes: devicePrizes.rows.map((row) => ({ code: row.code, tierId: row.tier_id, status: row.status, redeemedAtMs: row.at_ms })),
    addressDevices: addressDevices.rows.map((row) => ({ deviceId: row.device_id, scans: row.scans, lastSeenMs: row.last_ms })),
    bans,
  };
}
