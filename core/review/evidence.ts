import type pg from 'pg';
import type { Ban } from '../bans/bans.js';
import { clientNetwork } from '../net/ip-address.js';
import { bansTouchingEach } from '../trace/touching-bans.js';
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
  scanned_at: Date;
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

const eventColumns = `event_id, scanned_at, floor(extract(epoch FROM scanned_at) * 1000)::float8 AS at_ms, code, device_id, host(ip) AS ip,
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

/** Rows of one query over a page's held scans, each tagged with the 1-based position (`i`) of the scan it belongs to. */
type PageRows<Row> = (Row & { i: number })[];

/** The rows of each scan, in the order the query returned them. */
function byScan<Row>(count: number, rows: PageRows<Row>): Row[][] {
  const lists = Array.from({ length: count }, (): Row[] => []);
  for (const row of rows) lists[row.i - 1]?.push(row);
  return lists;
}

interface HeldRow extends Partial<EventRow> {
  batch_id: number | null;
  batch_region: string | null;
}

/**
 * The evidence of a page of held scans, read from Postgres in six queries whatever the page's
 * size: each list is read for every scan at once, the scans unnested from arrays, and a LATERAL
 * subquery per scan keeps its own order and EVIDENCE_LIMIT on its index (scan_events_code,
 * scan_events_device, scan_events_ip, redemptions_device); the bans of every scan's device,
 * address and network in one more (core/trace/touching-bans.ts). Every value is a parameter, and
 * each statement is named: prepared once per connection, its plan over every day partition is
 * not made again for each page.
 * Returns one ScanEvidence per target, in the targets' order.
 */
export async function readPageEvidence(pool: pg.Pool, targets: readonly EvidenceTarget[], now = Date.now()): Promise<ScanEvidence[]> {
  if (targets.length === 0) return [];
  const campaigns = targets.map((t) => t.campaignId);
  const codes = targets.map((t) => t.code);
  const [held, codeHistories] = await Promise.all([
    // the held scan itself by its id (within its code: the code's newest EVIDENCE_LIMIT scans need not include it), with its batch
    pool.query<HeldRow & { i: number }>({
      name: 'review-evidence-held',
      text: `SELECT t.i::int AS i, b.id AS batch_id, b.region AS batch_region, e.*
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(campaign_id, code, scan_id, i)
       LEFT JOIN redemptions r ON r.campaign_id = t.campaign_id AND r.code = t.code
       LEFT JOIN code_batches b ON b.id = r.batch_id
       LEFT JOIN LATERAL (SELECT ${eventColumns} FROM scan_events
         WHERE campaign_id = t.campaign_id AND code = t.code AND event_id = t.scan_id LIMIT 1) e ON true`,
      values: [campaigns, codes, targets.map((t) => t.scanId)],
    }),
    pool.query<EventRow & { i: number }>({
      name: 'review-evidence-code-history',
      text: `SELECT t.i::int AS i, e.* FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(campaign_id, code, i)
       CROSS JOIN LATERAL (SELECT ${eventColumns} FROM scan_events
         WHERE campaign_id = t.campaign_id AND code = t.code ORDER BY scanned_at DESC LIMIT $3) e
       ORDER BY t.i, e.scanned_at DESC`,
      values: [campaigns, codes, EVIDENCE_LIMIT],
    }),
  ]);
  const heldRows = byScan(targets.length, held.rows).map((rows) => rows[0]);
  const scans = heldRows.map((row) => (row?.event_id ? toScan(row as EventRow) : null));

  // the device, address and network lists need the held scan's event: read for the scans that have one
  const found = scans.flatMap((scan, at) => (scan ? [{ at, scan, target: targets[at] as EvidenceTarget }] : []));
  const foundCampaigns = found.map((f) => f.target.campaignId);
  const foundDevices = found.map((f) => f.scan.deviceId);
  const [deviceScans, devicePrizes, addressDevices, bans] = await Promise.all([
    pool.query<EventRow & { i: number }>({
      name: 'review-evidence-device-scans',
      text: `SELECT t.i::int AS i, e.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(campaign_id, device_id, code, i)
       CROSS JOIN LATERAL (SELECT ${eventColumns} FROM scan_events
         WHERE campaign_id = t.campaign_id AND device_id = t.device_id AND code <> t.code ORDER BY scanned_at DESC LIMIT $4) e
       ORDER BY t.i, e.scanned_at DESC`,
      values: [foundCampaigns, foundDevices, found.map((f) => f.target.code), EVIDENCE_LIMIT],
    }),
    pool.query<{ i: number; code: string; tier_id: string | null; status: string; redeemed_at: Date; at_ms: number }>({
      name: 'review-evidence-device-prizes',
      text: `SELECT t.i::int AS i, p.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(campaign_id, device_id, code, i)
       CROSS JOIN LATERAL (SELECT code, tier_id, status, redeemed_at, floor(extract(epoch FROM redeemed_at) * 1000)::float8 AS at_ms FROM redemptions
         WHERE campaign_id = t.campaign_id AND device_id = t.device_id AND code <> t.code AND tier_id IS NOT NULL ORDER BY redeemed_at DESC LIMIT $4) p
       ORDER BY t.i, p.redeemed_at DESC`,
      values: [foundCampaigns, foundDevices, found.map((f) => f.target.code), EVIDENCE_LIMIT],
    }),
    pool.query<{ i: number; device_id: string; scans: number; last_seen: Date; last_ms: number }>({
      name: 'review-evidence-address-devices',
      text: `SELECT t.i::int AS i, d.* FROM unnest($1::text[], $2::inet[], $3::text[]) WITH ORDINALITY AS t(campaign_id, ip, device_id, i)
       CROSS JOIN LATERAL (SELECT device_id, count(*)::int AS scans, max(scanned_at) AS last_seen,
           floor(extract(epoch FROM max(scanned_at)) * 1000)::float8 AS last_ms FROM scan_events
         WHERE campaign_id = t.campaign_id AND ip = t.ip AND device_id <> t.device_id GROUP BY device_id ORDER BY last_seen DESC LIMIT $4) d
       ORDER BY t.i, d.last_seen DESC`,
      values: [foundCampaigns, found.map((f) => f.scan.ip), foundDevices, EVIDENCE_LIMIT],
    }),
    bansTouchingEach(
      { pool, now: () => now },
      found.map(({ scan, target }) => ({
        campaignId: target.campaignId,
        subjects: [
          { kind: 'device', value: scan.deviceId },
          { kind: 'address', value: scan.ip },
          { kind: 'network', value: clientNetwork(scan.ip) },
        ],
      })),
      { inForce: true },
    ),
  ]);
  const codeHistoryOf = byScan(targets.length, codeHistories.rows);
  const deviceScansOf = byScan(found.length, deviceScans.rows);
  const devicePrizesOf = byScan(found.length, devicePrizes.rows);
  const addressDevicesOf = byScan(found.length, addressDevices.rows);
  const foundAt = new Map(found.map(({ at }, n) => [at, n]));
  return targets.map((_, at) => {
    const n = foundAt.get(at) ?? -1;
    return {
      scan: scans[at] ?? null,
      batchId: heldRows[at]?.batch_id ?? null,
      batchRegion: heldRows[at]?.batch_region ?? null,
      codeHistory: (codeHistoryOf[at] ?? []).map(toScan),
      deviceScans: (deviceScansOf[n] ?? []).map(toScan),
      devicePrizes: (devicePrizesOf[n] ?? []).map((row) => ({ code: row.code, tierId: row.tier_id, status: row.status, redeemedAtMs: row.at_ms })),
      addressDevices: (addressDevicesOf[n] ?? []).map((row) => ({ deviceId: row.device_id, scans: row.scans, lastSeenMs: row.last_ms })),
      bans: bans[n] ?? [],
    };
  });
}
