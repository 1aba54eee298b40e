import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banSubject, liftBan, listBans, type Ban } from '../../core/bans/bans.js';
import { createBatch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { isScangateError } from '../../core/errors.js';
import { clientNetwork } from '../../core/net/ip-address.js';
import { EVIDENCE_LIMIT, readPageEvidence, type EvidenceScan, type EvidenceTarget, type ScanEvidence } from '../../core/review/evidence.js';
import { Outcome, outcomeNames } from '../../core/scan/outcomes.js';
import { reasonsFromMask } from '../../core/scan/reasons.js';
import { fakeCode } from '../../core/testing/scan-event-fixtures.js';
import { createTestStack, type TestStack } from '../../core/testing/test-stack.js';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { insertScanRow } from '../testing/scan-rows.js';

/**
 * The review page reads the evidence of all its held scans at once (readPageEvidence). These
 * tests hold it to what reading each held scan on its own, one query per list and one listBans
 * per subject (the page's first way), shows: held scans sharing a device, an address, a network
 * and bans, in two campaigns, with every list past its limit.
 */
const hour = 3_600_000;
const now = Date.UTC(2026, 10, 20, 12);
const devices = Array.from({ length: 30 }, (_, i) => `dev${String(i).padStart(19, '0')}`);
const [deviceA, deviceB, deviceC] = devices as [string, string, string];
const addressA = '203.0.113.5';
const addressB = '203.0.113.77'; // same /24 as A
const addressC = '198.51.100.9';

let stack: TestStack;
let batchOf: Record<string, number>;
let clock = now - 48 * hour;
let serial = 0;
/** Every row a second later than the one before: no two evidence rows tie on time. */
const tick = () => new Date((clock += 1000));

async function scan(campaignId: string, options: { code?: string; deviceId: string; ip: string; outcome?: Outcome; redeem?: boolean; tierId?: string | null }) {
  const code = options.code ?? fakeCode(batchOf[campaignId] as number, ++serial);
  const at = tick();
  const eventId = `${at.getTime()}-0`;
  const outcome = options.outcome ?? Outcome.Won;
  const tierId = options.tierId === undefined ? (outcome === Outcome.Won ? 'points' : outcome === Outcome.Held ? 'grand' : null) : options.tierId;
  await insertScanRow(stack.pool, { campaignId, batchId: batchOf[campaignId] as number, eventId, code, outcome, at, deviceId: options.deviceId, ip: options.ip, tierId, score: outcome === Outcome.Held ? 66 : 5 });
  if (options.redeem ?? (outcome === Outcome.Won || outcome === Outcome.NoPrize || outcome === Outcome.Held))
    await stack.pool.query(
      `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [campaignId, code, batchOf[campaignId], serial, options.deviceId, tierId, outcome, eventId, at],
    );
  return { campaignId, code, scanId: eventId };
}

// ---- the reference: each held scan read on its own, as the page first did ----

const eventColumns = `event_id, floor(extract(epoch FROM scanned_at) * 1000)::float8 AS at_ms, code, device_id, host(ip) AS ip,
  outcome, tier_id, score, reason_mask, replay, ua_class, user_agent, region, lat, lon`;

/** Every column any reference query selects (each query fills its own). */
interface Row {
  event_id: string;
  at_ms: number;
  code: string;
  device_id: string;
  ip: string;
  outcome: Outcome;
  tier_id: string | null;
  score: number;
  reason_mask: number;
  replay: boolean;
  ua_class: string;
  user_agent: string | null;
  region: string | null;
  lat: number | null;
  lon: number | null;
  id: number;
  status: string;
  scans: number;
  last_ms: number;
}

const toScan = (row: Row): EvidenceScan => ({
  scanId: row.event_id,
  scannedAtMs: row.at_ms,
  code: row.code,
  deviceId: row.device_id,
  ip: row.ip,
  outcome: outcomeNames[row.outcome],
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

async function readOneByOne(pool: pg.Pool, { campaignId, code, scanId }: EvidenceTarget): Promise<ScanEvidence> {
  const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as Row[];
  const codeHistory = (await rows(`SELECT ${eventColumns} FROM scan_events WHERE campaign_id = $1 AND code = $2 ORDER BY scanned_at DESC LIMIT $3`, [campaignId, code, EVIDENCE_LIMIT])).map(toScan);
  const [own] = (await rows(`SELECT ${eventColumns} FROM scan_events WHERE campaign_id = $1 AND code = $2 AND event_id = $3`, [campaignId, code, scanId])).map(toScan);
  const [batch] = await rows(`SELECT b.id, b.region FROM redemptions r JOIN code_batches b ON b.id = r.batch_id WHERE r.campaign_id = $1 AND r.code = $2`, [campaignId, code]);
  const base = { scan: own ?? null, batchId: batch?.id ?? null, batchRegion: batch?.region ?? null, codeHistory };
  if (!own) return { ...base, deviceScans: [], devicePrizes: [], addressDevices: [], bans: [] };
  const deviceScans = (
    await rows(`SELECT ${eventColumns} FROM scan_events WHERE campaign_id = $1 AND device_id = $2 AND code <> $3 ORDER BY scanned_at DESC LIMIT $4`, [campaignId, own.deviceId, code, EVIDENCE_LIMIT])
  ).map(toScan);
  const devicePrizes = (
    await rows(
      `SELECT code, tier_id, status, floor(extract(epoch FROM redeemed_at) * 1000)::float8 AS at_ms FROM redemptions
       WHERE campaign_id = $1 AND device_id = $2 AND code <> $3 AND tier_id IS NOT NULL ORDER BY redeemed_at DESC LIMIT $4`,
      [campaignId, own.deviceId, code, EVIDENCE_LIMIT],
    )
  ).map((row) => ({ code: row.code, tierId: row.tier_id, status: row.status, redeemedAtMs: row.at_ms }));
  const addressDevices = (
    await rows(
      `SELECT device_id, count(*)::int AS scans, floor(extract(epoch FROM max(scanned_at)) * 1000)::float8 AS last_ms FROM scan_events
       WHERE campaign_id = $1 AND ip = $2::inet AND device_id <> $3 GROUP BY device_id ORDER BY last_ms DESC LIMIT $4`,
      [campaignId, own.ip, own.deviceId, EVIDENCE_LIMIT],
    )
  ).map((row) => ({ deviceId: row.device_id, scans: row.scans, lastSeenMs: row.last_ms }));
  const subjects = [
    { kind: 'device', value: own.deviceId },
    { kind: 'address', value: own.ip },
    { kind: 'network', value: clientNetwork(own.ip) },
  ] as const;
  const lists = await Promise.all(
    subjects.map((subject) =>
      listBans({ pool, now: () => now }, { ...subject, campaignId, inForce: true }).catch((err: unknown) => {
        if (isScangateError(err, 'GW_ERR_BAN_INVALID')) return [];
        throw err;
      }),
    ),
  );
  const bans = [...new Map(lists.flat().map((ban) => [ban.id, ban])).values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  return { ...base, deviceScans, devicePrizes, addressDevices, bans };
}

// ---- the page ----

let page: EvidenceTarget[];
let cloned: EvidenceTarget;
let notIngested: EvidenceTarget;
let bans: Record<'deviceA' | 'networkAB' | 'addressA' | 'liftedB' | 'expiredC' | 'elsewhereA', Ban>;

beforeAll(async () => {
  stack = await createTestStack();
  batchOf = {};
  for (const id of ['pe', 'pf']) {
    await applyCampaign(stack.pool, decisionCampaign(id), 'test');
    batchOf[id] = (await createBatch(stack.pool, { campaignId: id, printedCount: 10_000, name: `${id}-sh`, region: id === 'pe' ? 'CN-SH' : 'CN-BJ' })).id;
  }
  // device A: 12 prizes and 2 lost scans in pe, and one scan in pf (not pe's evidence)
  for (let i = 0; i < 12; i++) await scan('pe', { deviceId: deviceA, ip: addressA });
  for (let i = 0; i < 2; i++) await scan('pe', { deviceId: deviceA, ip: addressA, outcome: Outcome.NoPrize });
  await scan('pf', { deviceId: deviceA, ip: addressA });
  // address A: 13 other devices in pe, one of them three times
  for (let d = 3; d < 16; d++) await scan('pe', { deviceId: devices[d] as string, ip: addressA });
  for (let i = 0; i < 2; i++) await scan('pe', { deviceId: devices[3] as string, ip: addressA });
  // two held scans of device A; the first one's code is then scanned by 12 other devices (clones)
  cloned = await scan('pe', { deviceId: deviceA, ip: addressA, outcome: Outcome.Held });
  const second = await scan('pe', { deviceId: deviceA, ip: addressA, outcome: Outcome.Held });
  for (let d = 16; d < 28; d++) await scan('pe', { code: cloned.code, deviceId: devices[d] as string, ip: addressC, outcome: Outcome.AlreadyRedeemed, redeem: false });
  // device B on address B (A's /24), device C on address C; device A held in pf too
  const onB = await scan('pe', { deviceId: deviceB, ip: addressB, outcome: Outcome.Held });
  await scan('pe', { deviceId: deviceB, ip: addressB });
  const onC = await scan('pe', { deviceId: deviceC, ip: addressC, outcome: Outcome.Held });
  const elsewhere = await scan('pf', { deviceId: deviceA, ip: addressA, outcome: Outcome.Held });
  // a held redemption whose event the ingest has not written yet
  notIngested = { campaignId: 'pe', code: fakeCode(batchOf.pe as number, ++serial), scanId: `${now}-9` };
  await stack.pool.query(
    `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at) VALUES ('pe', $1, $2, $3, $4, 'grand', 8, $5, $6)`,
    [notIngested.code, batchOf.pe, serial, devices[29], notIngested.scanId, new Date(now - hour)],
  );
  page = [cloned, second, onB, onC, elsewhere, notIngested];

  const ban = (at: number, scope: string | null, kind: 'device' | 'address' | 'network', value: string, expiresAt = now + 24 * hour) =>
    banSubject({ pool: stack.pool, redis: stack.t.redis, keyPrefix: stack.t.prefix, now: () => at }, { scope, kind, value, reason: `${kind} ${value}`, expiresAt, actor: 'alice' });
  bans = {
    deviceA: await ban(now - 5 * hour, 'pe', 'device', deviceA),
    networkAB: await ban(now - 4 * hour, null, 'network', '203.0.113.0/24'),
    addressA: await ban(now - 3 * hour, 'pe', 'address', addressA),
    liftedB: await ban(now - 3 * hour, 'pe', 'address', addressB),
    expiredC: await ban(now - 3 * hour, 'pe', 'device', deviceC, now - hour),
    elsewhereA: await ban(now - 2 * hour, 'pf', 'address', addressA),
  };
  await liftBan({ pool: stack.pool, redis: stack.t.redis, keyPrefix: stack.t.prefix, now: () => now - 2 * hour }, { id: bans.liftedB.id, actor: 'alice' });
});

afterAll(() => stack?.stop());

describe('review page evidence, read for the whole page', () => {
  it('is what reading each held scan on its own shows, in the page’s order', async () => {
    const one = await Promise.all(page.map((target) => readOneByOne(stack.pool, target)));
    expect(await readPageEvidence(stack.pool, page, now)).toEqual(one);
    // and for any part of the page, in any order
    const some = [page[4], page[0], page[2]] as EvidenceTarget[];
    expect(await readPageEvidence(stack.pool, some, now)).toEqual([one[4], one[0], one[2]]);
  });

  it('keeps each list to EVIDENCE_LIMIT, newest first, per held scan, and each scan’s lists its own', async () => {
    const [first, second, onB, onC, elsewhere, pending] = await readPageEvidence(stack.pool, page, now);
    // the first held code: 13 scans, the newest 10 shown (clone attempts), the held scan itself still found
    expect(first?.scan?.scanId).toBe(cloned.scanId);
    expect(first?.codeHistory).toHaveLength(EVIDENCE_LIMIT);
    expect(first?.codeHistory.every((s) => s.outcome === 'already_redeemed' && s.deviceId !== deviceA)).toBe(true);
    // device A in pe: 14 earlier scans and the other held one, each held scan excluding its own code
    for (const [evidence, own, newestOther] of [
      [first, cloned.code, page[1]?.code],
      [second, page[1]?.code, cloned.code],
    ] as const) {
      expect(evidence?.deviceScans).toHaveLength(EVIDENCE_LIMIT);
      expect(evidence?.deviceScans.some((s) => s.code === own)).toBe(false);
      expect(evidence?.deviceScans[0]?.code).toBe(newestOther);
      expect(evidence?.deviceScans.map((s) => s.scannedAtMs)).toEqual([...(evidence?.deviceScans ?? [])].map((s) => s.scannedAtMs).sort((a, b) => b - a));
      expect(evidence?.devicePrizes).toHaveLength(EVIDENCE_LIMIT);
      expect(evidence?.devicePrizes.some((p) => p.code === own)).toBe(false);
      // 13 other devices on address A, the newest 10; the one seen three times counted so
      expect(evidence?.addressDevices).toHaveLength(EVIDENCE_LIMIT);
      expect(evidence?.addressDevices.find((d) => d.deviceId === devices[3])?.scans).toBe(3);
    }
    // bans: in force, reaching pe, naming the scan's device, address or network; newest first
    const ids = (evidence: ScanEvidence | undefined) => evidence?.bans.map((b) => b.id);
    expect(ids(first)).toEqual([bans.addressA.id, bans.networkAB.id, bans.deviceA.id]);
    expect(ids(second)).toEqual([bans.addressA.id, bans.networkAB.id, bans.deviceA.id]);
    expect(ids(onB)).toEqual([bans.networkAB.id]); // its address ban was lifted
    expect(ids(onC)).toEqual([]); // its device ban has ended
    expect(ids(elsewhere)).toEqual([bans.elsewhereA.id, bans.networkAB.id]); // pe's bans do not reach pf
    expect(elsewhere?.deviceScans.map((s) => s.code)).toHaveLength(1);
    expect(elsewhere?.batchRegion).toBe('CN-BJ');
    expect(onB?.addressDevices).toEqual([]);
    expect(onB?.deviceScans).toHaveLength(1);
    // not ingested yet: the batch is known, nothing else
    expect(pending).toEqual({ scan: null, batchId: batchOf.pe, batchRegion: 'CN-SH', codeHistory: [], deviceScans: [], devicePrizes: [], addressDevices: [], bans: [] });
  });

  it('reads a page in six queries, however many held scans it shows', async () => {
    const queriesFor = async (targets: EvidenceTarget[]) => {
      let queries = 0;
      const counting = new Proxy(stack.pool, {
        get: (pool, name) => (name === 'query' ? (...args: unknown[]) => (queries++, (pool.query as (...a: unknown[]) => unknown).apply(pool, args)) : Reflect.get(pool, name)),
      });
      await readPageEvidence(counting, targets, now);
      return queries;
    };
    expect(await queriesFor(page.slice(0, 1))).toBe(6);
    expect(await queriesFor(page)).toBe(6);
    expect(await queriesFor([])).toBe(0);
  });
});
