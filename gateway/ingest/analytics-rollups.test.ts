import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { readBudgetBurn } from '../../core/analytics/budget-burn.js';
import { readDeviceSegments } from '../../core/analytics/device-segments.js';
import { readDiversion } from '../../core/analytics/diversion.js';
import { readOverview } from '../../core/analytics/overview.js';
import { rebuildRollups } from '../../core/analytics/rebuild-rollups.js';
import { compareRollups } from '../../core/analytics/rollup-audit.js';
import { allRollups, lockCampaignRollupsShared, storedRollupRows } from '../../core/analytics/rollups.js';
import { readLiveNumbers } from '../../core/analytics/live-numbers.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { ensureScanEventPartitions, pruneScanEventPartitions } from '../../core/db/partitions.js';
import { isScangateError } from '../../core/errors.js';
import { eventPayload, type StreamEntry } from '../../core/redis/stream-entry.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { appendScanEvents, fakeCode, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { decodeEvent } from './event-decoder.js';
import { ScanEventWriter } from './scan-event-writer.js';

const hour = 3_600_000;
const day = 24 * hour;
/** 23:30 in Shanghai (UTC+8, no DST): the fixture's scans straddle local and UTC midnights. */
const T0 = Date.UTC(2026, 2, 9, 15, 30);
const CAMPAIGN = 'rollups';
const DEVICES = 20;

/** A decision of the fixture, in the terms the expectations are computed from. */
interface Decision {
  at: number;
  batch: number;
  serial: number;
  device: number;
  outcome: Outcome;
  tier: string | null;
  replay: boolean;
  reasons: number;
  region: string | null;
}

interface Review {
  at: number;
  serial: number;
  batch: number;
  decision: 'approve' | 'reject';
  tier: string;
}

const deviceId = (n: number) => Buffer.alloc(16, n + 1).toString('base64url');

/**
 * 200 fresh codes (won, no prize, held: each code once), 60 replays of them by their device,
 * 40 clones (already_redeemed by another device), 25 blocked and 15 limit_reached scans, over
 * three batches, three regions (and unknown), 20 devices and about three days; half the held
 * scans approved, the rest rejected.
 */
function fixture(batches: readonly number[]): { decisions: Decision[]; reviews: Review[] } {
  const regions = [null, 'CN-SH', 'CN-BJ', 'CN-GD'];
  const decisions: Decision[] = [];
  const fresh: Decision[] = [];
  for (let i = 0; i < 200; i++) {
    const outcome = i % 10 === 0 ? Outcome.NoPrize : i % 7 === 0 ? Outcome.Held : Outcome.Won;
    const d: Decision = {
      at: T0 + (i % 70) * hour + i * 1000,
      batch: batches[i % 3] as number,
      serial: i,
      device: (i * 7) % DEVICES,
      outcome,
      tier: outcome === Outcome.NoPrize ? null : i % 2 === 0 ? 'grand' : 'points',
      replay: false,
      reasons: outcome === Outcome.Held ? reasonBits.device_velocity | reasonBits.new_device_top_prize : 0,
      region: regions[i % 4] ?? null,
    };
    fresh.push(d);
  }
  decisions.push(...fresh);
  for (let i = 0; i < 60; i++) {
    const first = fresh[i * 3] as Decision;
    decisions.push({ ...first, at: first.at + 90_000, replay: true, region: regions[(i + 1) % 4] ?? null });
  }
  for (let i = 0; i < 40; i++) {
    const first = fresh[i * 5] as Decision;
    decisions.push({ ...first, at: first.at + 2 * hour, device: (first.device + 1) % DEVICES, outcome: Outcome.AlreadyRedeemed, tier: null, reasons: reasonBits.clone });
  }
  for (let i = 0; i < 40; i++)
    decisions.push({
      at: T0 + 3 * day + i * 60_000,
      batch: batches[i % 2] as number,
      serial: 500 + i,
      device: i % 5,
      outcome: i < 25 ? Outcome.Blocked : Outcome.LimitReached,
      tier: null,
      replay: false,
      reasons: i < 25 ? reasonBits.device_velocity | reasonBits.ip_device_farm : 0,
      region: regions[(i % 3) + 1] ?? null,
    });
  const held = fresh.filter((d) => d.outcome === Outcome.Held);
  const reviews = held.map((d, i): Review => ({ at: d.at + 5 * hour, serial: d.serial, batch: d.batch, decision: i % 2 === 0 ? 'approve' : 'reject', tier: d.tier as string }));
  return { decisions: decisions.sort((a, b) => a.at - b.at), reviews };
}

/** The rollups the fixture must give, computed here in TypeScript (not by the rollups' SQL). */
function expectedRollups({ decisions, reviews }: ReturnType<typeof fixture>): Record<string, string[]> {
  const count = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);
  const hourOf = (at: number) => new Date(Math.floor(at / hour) * hour).toISOString();
  const shanghaiDay = (at: number) => new Date(at + 8 * hour).toISOString().slice(0, 10);
  const consumes = (d: Decision) => !d.replay && [Outcome.Won, Outcome.NoPrize, Outcome.Held].includes(d.outcome);
  const hourly = new Map<string, number>();
  const totals = new Map<string, number>();
  const batchRegions = new Map<string, { scans: number; redeemed: number }>();
  const reasons = new Map<string, number>();
  const devices = new Map<number, { first: number; last: number; days: Set<string>; scans: number; redeemed: number; prizes: Map<string, number> }>();
  for (const d of decisions) {
    count(hourly, [hourOf(d.at), d.batch, d.region ?? '', d.outcome, d.replay, d.tier ?? ''].join('|'));
    count(totals, [hourOf(d.at), d.outcome, d.replay, d.tier ?? ''].join('|'));
    const batchRegion = [hourOf(d.at), d.batch, d.region ?? ''].join('|');
    const counted = batchRegions.get(batchRegion) ?? { scans: 0, redeemed: 0 };
    batchRegions.set(batchRegion, { scans: counted.scans + 1, redeemed: counted.redeemed + (consumes(d) ? 1 : 0) });
    for (let bit = 0; bit < 31; bit++) if (d.reasons & (1 << bit)) count(reasons, [hourOf(d.at), d.outcome, bit].join('|'));
    const seen = devices.get(d.device) ?? { first: d.at, last: d.at, days: new Set<string>(), scans: 0, redeemed: 0, prizes: new Map<string, number>() };
    seen.first = Math.min(seen.first, d.at);
    seen.last = Math.max(seen.last, d.at);
    seen.days.add(shanghaiDay(d.at));
    seen.scans += 1;
    if (consumes(d)) seen.redeemed += 1;
    if (consumes(d) && d.tier !== null && d.outcome !== Outcome.NoPrize) count(seen.prizes, d.tier);
    devices.set(d.device, seen);
  }
  // the tier of each prize, as Postgres prints a text[] (kept sorted)
  const prizesText = (prizes: Map<string, number>) => `{${[...prizes].sort().flatMap(([tier, n]) => Array<string>(n).fill(tier)).join(',')}}`;
  const spans = new Map<string, number>();
  const spanPrizes = new Map<string, number>();
  const gaps = new Map<string, number>();
  for (const s of devices.values()) {
    const days = [...s.days].sort();
    const span = [days[0], days[days.length - 1], s.redeemed].join('|');
    count(spans, span);
    for (const [tier, n] of s.prizes) count(spanPrizes, `${span}|${tier}`, n);
    for (let i = 0; i + 1 < days.length; i++)
      if (Date.parse(days[i + 1] as string) - Date.parse(days[i] as string) > day) count(gaps, `${days[i]}|${days[i + 1]}`);
  }
  const reviewed = new Map<string, number>();
  for (const r of reviews) count(reviewed, [hourOf(r.at), r.tier, r.decision].join('|'));
  const rows = (map: Map<string, number>) => [...map].map(([key, n]) => `${key}|${n}`).sort();
  return {
    analytics_hourly: rows(hourly),
    analytics_hourly_totals: rows(totals),
    analytics_hourly_batches: [...batchRegions].map(([key, c]) => `${key}|${c.scans}|${c.redeemed}`).sort(),
    analytics_hourly_reasons: rows(reasons),
    analytics_devices: [...devices]
      .map(([n, s]) => [deviceId(n), new Date(s.first).toISOString(), new Date(s.last).toISOString(), `{${[...s.days].sort().join(',')}}`, s.scans, s.redeemed, prizesText(s.prizes)].join('|'))
      .sort(),
    analytics_device_spans: rows(spans),
    analytics_device_span_prizes: rows(spanPrizes),
    analytics_device_gaps: rows(gaps),
    analytics_reviews_hourly: rows(reviewed),
  };
}

describe('analytics rollups', () => {
  let h: IngestHarness;
  let batches: number[];
  let data: ReturnType<typeof fixture>;
  let expected: Record<string, string[]>;

  /** Each rollup's rows as the expectations spell them (campaign column left out). */
  async function storedRollups(): Promise<Record<string, string[]>> {
    const stored: Record<string, string[]> = {};
    for (const rollup of allRollups) {
      const { table, key, measures } = rollup;
      const columns = [...key.slice(1), ...measures.map((m) => m.name)];
      // dates, date arrays and jsonb as Postgres prints them: node-postgres would make a date a local midnight
      const selected = columns.map((c) => (/(^|_)days?$/.test(c) || (c === 'prizes' && table === 'analytics_devices') ? `${c}::text AS ${c}` : c));
      const { rows } = await h.pool.query<Record<string, unknown>>(storedRollupRows(rollup, selected.join(', ')), [CAMPAIGN]);
      const text = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));
      stored[table] = rows.map((row) => columns.map((c) => text(row[c])).join('|')).sort();
    }
    return stored;
  }

  async function streamEntries(): Promise<StreamEntry[]> {
    const stream = h.stream(CAMPAIGN);
    const raw = await h.t.redis.xrangeBuffer(stream.key, '-', '+');
    return raw.map(([id, fields]) => ({ stream, id: id.toString(), fields, deliveries: 1 }));
  }

  const writeAgain = async (entries: readonly StreamEntry[]) =>
    new ScanEventWriter(h.pool, ensureScanEventPartitions).writeEvents(entries.map((e) => decodeEvent(CAMPAIGN, e.id, eventPayload(e))));

  beforeAll(async () => {
    h = await createIngestHarness();
    await applyCampaign(h.pool, decisionCampaign(CAMPAIGN, { window: { startsAt: new Date(T0 - day).toISOString(), endsAt: new Date(T0 + 10 * day).toISOString(), timeZone: 'Asia/Shanghai' } }), 'test');
    const batch = async (name: string, region: string | null, status: string, printed: number) =>
      (
        await h.pool.query<{ id: number }>(
          `INSERT INTO code_batches (campaign_id, name, region, serial_first, serial_last, printed_count, status) VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id`,
          [CAMPAIGN, name, region, printed - 1, printed, status],
        )
      ).rows[0]?.id as number;
    batches = [await batch('rollups-sh', 'CN-SH', 'active', 1000), await batch('rollups-bj', 'CN-BJ', 'active', 2000), await batch('rollups-none', null, 'inactive', 1000)];
    data = fixture(batches);
    expected = expectedRollups(data);
  });
  afterAll(() => h.close());

  it('after ingest (part of it written twice on the way), the rollups equal the hand-computed ones; a re-delivered batch changes nothing', async () => {
    const stream = h.stream(CAMPAIGN);
    const codeOf = (batch: number, serial: number) => fakeCodes.get(`${batch}:${serial}`) as string;
    const fakeCodes = new Map<string, string>();
    for (const d of data.decisions) if (!fakeCodes.has(`${d.batch}:${d.serial}`)) fakeCodes.set(`${d.batch}:${d.serial}`, fakeCode(d.batch, d.serial));
    const scanMaps: EventMap[] = data.decisions.map((d) =>
      scanEventMap(d.serial, {
        at: d.at,
        code: codeOf(d.batch, d.serial),
        batch: d.batch,
        dev: deviceId(d.device),
        o: d.outcome,
        t: d.tier ?? '',
        rp: d.replay ? 1 : 0,
        rs: d.reasons,
        rg: d.region ?? '',
      }),
    );
    await appendScanEvents(h.t.redis, stream.key, scanMaps);
    const scans = await streamEntries();
    const heldScanId = new Map<string, string>();
    data.decisions.forEach((d, i) => {
      if (d.outcome === Outcome.Held && !d.replay) heldScanId.set(`${d.batch}:${d.serial}`, (scans[i] as StreamEntry).id);
    });
    const reviewMaps: EventMap[] = data.reviews.map((r) => ({ v: 1, k: 'review', at: r.at, code: codeOf(r.batch, r.serial), scan: heldScanId.get(`${r.batch}:${r.serial}`), dec: r.decision, by: 'alice', note: '', t: r.tier }));
    await appendScanEvents(h.t.redis, stream.key, reviewMaps);

    // A consumer that committed the first 150 entries and died before XACK: they come again, inside larger batches.
    await writeAgain(scans.slice(0, 150));
    h.consumer().start();
    await h.waitUntilDrained();
    await h.stopConsumers();
    expect(await storedRollups()).toEqual(expected);

    await writeAgain(await streamEntries());
    expect(await storedRollups()).toEqual(expected);
    expect(await compareRollups(h.pool, CAMPAIGN)).toEqual({ prunedBefore: null, differences: [] });
  });

  it('analytics rebuild recomputes the same rollups from the events; the audit notices a rollup that drifted', async () => {
    await h.pool.query(`UPDATE analytics_hourly SET scans = scans + 1 WHERE campaign_id = $1 AND outcome = ${Outcome.Won} AND NOT replay AND tier_id = 'grand' AND region = 'CN-BJ'`, [CAMPAIGN]);
    await h.pool.query(`UPDATE analytics_devices SET days = days[1:1] WHERE campaign_id = $1 AND device_id = $2`, [CAMPAIGN, deviceId(3)]);
    const drifted = await compareRollups(h.pool, CAMPAIGN);
    expect(drifted.differences.map((d) => d.table).sort()).toEqual(['analytics_device_span_prizes', 'analytics_device_spans', 'analytics_devices', 'analytics_hourly']);

    expect(await rebuildRollups(h.pool, CAMPAIGN)).toEqual({ scans: data.decisions.length, reviews: data.reviews.length });
    expect(await storedRollups()).toEqual(expected);
    expect((await compareRollups(h.pool, CAMPAIGN)).differences).toEqual([]);
  });

  it('the page queries give the metrics computed by hand', async () => {
    const { decisions, reviews } = data;
    const range = { campaignId: CAMPAIGN, from: new Date(T0 - day), to: new Date(T0 + 5 * day) };
    const { current, previous } = await readOverview(h.pool, range);
    const redeemed = decisions.filter((d) => !d.replay && [Outcome.Won, Outcome.NoPrize, Outcome.Held].includes(d.outcome)).length;
    const repeats = decisions.filter((d) => d.replay || d.outcome === Outcome.AlreadyRedeemed).length;
    expect(current).toMatchObject({
      scans: 340,
      replays: 60,
      codesRedeemed: 200,
      codesActivated: 3000,
      scanConversion: 200 / 3000,
      repeatScanRate: 100 / 340,
      uniqueDevices: DEVICES,
      newDevices: DEVICES,
      returningDevices: 0,
    });
    expect([redeemed, repeats, decisions.length]).toEqual([200, 100, 340]);
    expect(previous.scans).toBe(0);

    // The last local day alone: only devices 0–4 scanned on it (blocked / limit_reached), all seen before.
    const lastDay = new Date(T0 + 3 * day + 30 * 60_000);
    const lastDayRange = { campaignId: CAMPAIGN, from: lastDay, to: new Date(lastDay.getTime() + day) };
    const shanghaiDay = (at: number) => new Date(at + 8 * hour).toISOString().slice(0, 10);
    const onLastDay = new Set(decisions.filter((d) => shanghaiDay(d.at) === shanghaiDay(lastDay.getTime())).map((d) => d.device));
    const firstDayOf = (device: number) => shanghaiDay(Math.min(...decisions.filter((d) => d.device === device).map((d) => d.at)));
    const newOnLastDay = [...onLastDay].filter((device) => firstDayOf(device) === shanghaiDay(lastDay.getTime())).length;
    const lastDayKpis = (await readOverview(h.pool, lastDayRange)).current;
    expect({ unique: lastDayKpis.uniqueDevices, fresh: lastDayKpis.newDevices }).toEqual({ unique: onLastDay.size, fresh: newOnLastDay });

    const burn = await readBudgetBurn(h.pool, CAMPAIGN, new Date(T0 + 4 * day), 3);
    for (const tier of ['grand', 'points']) {
      const reserved = decisions.filter((d) => !d.replay && d.tier === tier && (d.outcome === Outcome.Won || d.outcome === Outcome.Held)).length;
      const rejected = reviews.filter((r) => r.tier === tier && r.decision === 'reject').length;
      const heldLeft = decisions.filter((d) => !d.replay && d.tier === tier && d.outcome === Outcome.Held).length - reviews.filter((r) => r.tier === tier).length;
      expect(burn.find((b) => b.tierId === tier)).toMatchObject({ issued: reserved - rejected, held: heldLeft });
    }
    expect(burn.find((b) => b.tierId === 'grand')?.valueSpent).toBe((burn.find((b) => b.tierId === 'grand')?.issued ?? 0) * 888);

    const { batches: diverted } = await readDiversion(h.pool, range);
    for (const [batchId, shippedTo] of [
      [batches[0], 'CN-SH'],
      [batches[1], 'CN-BJ'],
    ] as const) {
      const located = decisions.filter((d) => d.batch === batchId && d.region !== null);
      const off = located.filter((d) => d.region !== shippedTo).length;
      expect(diverted.find((b) => b.batchId === batchId)).toEqual({ batchId, shippedTo, located: located.length, offRegion: off, offRegionShare: off / located.length });
    }
  });

  it('a rebuild waits for an ingest transaction of the campaign in flight, so it neither misses nor double-counts its rows', async () => {
    const ingest = await h.pool.connect();
    try {
      await ingest.query('BEGIN');
      await ingest.query(lockCampaignRollupsShared, [[CAMPAIGN]]);
      let rebuilt = false;
      const rebuild = rebuildRollups(h.pool, CAMPAIGN).then(() => (rebuilt = true));
      await h.waitUntil('the rebuild waits for the lock', async () => (await h.count(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)) === 1);
      expect(rebuilt).toBe(false);
      await ingest.query('COMMIT');
      await rebuild;
      expect(rebuilt).toBe(true);
    } finally {
      ingest.release();
    }
    expect(await storedRollups()).toEqual(expected);
  });

  it('pruning keeps at least a week of events; once events are pruned, rebuild is refused and the audit compares nothing', async () => {
    await expect(pruneScanEventPartitions(h.pool, 3, new Date(T0 + 30 * day))).rejects.toSatisfy((err) => isScangateError(err, 'GW_ERR_USAGE'));
    const dropped = await pruneScanEventPartitions(h.pool, 20, new Date(T0 + 30 * day));
    expect(dropped).toEqual(['scan_events_20260309', 'scan_events_20260310', 'scan_events_20260311', 'scan_events_20260312']);
    expect(await h.count(`SELECT count(*) AS n FROM scan_events WHERE campaign_id = $1`, [CAMPAIGN])).toBe(0);
    expect(await storedRollups()).toEqual(expected);
    await expect(rebuildRollups(h.pool, CAMPAIGN)).rejects.toSatisfy((err) => isScangateError(err, 'GW_ERR_EVENTS_PRUNED'));
    expect(await compareRollups(h.pool, CAMPAIGN)).toEqual({ prunedBefore: new Date('2026-03-13T00:00:00Z'), differences: [] });
  });
});

describe('device spans and gaps', () => {
  it('batches arriving out of day order move each device between spans and gaps; unique and new devices per range and the segments are exact', async () => {
    const h = await createIngestHarness();
    try {
      const campaign = 'spans';
      await applyCampaign(h.pool, decisionCampaign(campaign, { window: { startsAt: new Date(T0 - day).toISOString(), endsAt: new Date(T0 + 60 * day).toISOString(), timeZone: 'Asia/Shanghai' } }), 'test');
      // local day n of the fixture at noon in Shanghai (T0 is 23:30 there)
      const noonOf = (n: number) => T0 + 12.5 * hour + n * day;
      const [a, b, c] = [deviceId(0), deviceId(1), deviceId(2)];
      // device a scans on days 0, 4 and 2, b on 0 and 5, c on 3; each scan wins a grand prize
      const scans: [string, number][] = [
        [a, 4],
        [b, 5],
        [a, 0],
        [b, 0],
        [c, 3],
        [a, 2],
      ];
      const stream = h.stream(campaign);
      await appendScanEvents(h.t.redis, stream.key, scans.map(([dev, n], serial) => scanEventMap(serial, { at: noonOf(n), dev, t: 'grand' })));
      const entries = (await h.t.redis.xrangeBuffer(stream.key, '-', '+')).map(([id, fields]): StreamEntry => ({ stream, id: id.toString(), fields, deliveries: 1 }));
      const writer = new ScanEventWriter(h.pool, ensureScanEventPartitions);
      for (const batch of [entries.slice(0, 2), entries.slice(2, 5), entries.slice(5)]) await writer.writeEvents(batch.map((e) => decodeEvent(campaign, e.id, eventPayload(e))));

      const localDay = (n: number) => new Date(noonOf(n) + 8 * hour).toISOString().slice(0, 10);
      const nonZero = async (table: string, columns: string) =>
        (await h.pool.query<{ row: string }>(`SELECT concat_ws('|', ${columns}) AS row FROM ${table} WHERE campaign_id = $1 AND devices <> 0 ORDER BY 1`, [campaign])).rows.map((r) => r.row);
      expect(await nonZero('analytics_device_gaps', 'after_day, before_day, devices')).toEqual([`${localDay(0)}|${localDay(2)}|1`, `${localDay(0)}|${localDay(5)}|1`, `${localDay(2)}|${localDay(4)}|1`]);
      expect(await nonZero('analytics_device_spans', 'first_day, last_day, codes_redeemed, devices')).toEqual([`${localDay(0)}|${localDay(4)}|3|1`, `${localDay(0)}|${localDay(5)}|2|1`, `${localDay(3)}|${localDay(3)}|1|1`]);

      const devicesOn = async (first: number, last: number) => {
        const from = new Date(T0 + 30 * 60_000 + first * day); // local midnight starting day `first`
        const { current } = await readOverview(h.pool, { campaignId: campaign, from, to: new Date(from.getTime() + (last - first + 1) * day) });
        return [current.uniqueDevices, current.newDevices];
      };
      expect(await devicesOn(0, 0)).toEqual([2, 2]);
      expect(await devicesOn(1, 1)).toEqual([0, 0]);
      expect(await devicesOn(2, 2)).toEqual([1, 0]);
      expect(await devicesOn(3, 3)).toEqual([1, 1]);
      expect(await devicesOn(1, 3)).toEqual([2, 1]);
      expect(await devicesOn(3, 5)).toEqual([3, 1]);
      expect(await devicesOn(0, 5)).toEqual([3, 3]);

      const grandPrizes = (n: number) => ({ CNY: n * 888 });
      expect(await readDeviceSegments(h.pool, campaign, new Date(noonOf(5)))).toEqual([{ segment: 'new', devices: 3, codesRedeemed: 6, value: grandPrizes(6) }]);
      // day 9: the last 7 days are 3..9, so c (first seen on 3) is new, a and b (on 0) active
      expect(await readDeviceSegments(h.pool, campaign, new Date(noonOf(9)))).toEqual([
        { segment: 'active', devices: 2, codesRedeemed: 5, value: grandPrizes(5) },
        { segment: 'new', devices: 1, codesRedeemed: 1, value: grandPrizes(1) },
      ]);
      // day 34: the last 30 days are 5..34: only b (last seen on 5) is active
      expect(await readDeviceSegments(h.pool, campaign, new Date(noonOf(34)))).toEqual([
        { segment: 'active', devices: 1, codesRedeemed: 2, value: grandPrizes(2) },
        { segment: 'lapsing', devices: 2, codesRedeemed: 4, value: grandPrizes(4) },
      ]);
      expect((await compareRollups(h.pool, campaign)).differences).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('devices minted for a scan', () => {
  it('are inserted plainly; one that another batch already wrote sends the batch round again, and every device is counted once', async () => {
    const h = await createIngestHarness();
    try {
      const campaign = 'minted';
      await applyCampaign(h.pool, decisionCampaign(campaign, { window: { startsAt: new Date(T0 - day).toISOString(), endsAt: new Date(T0 + 10 * day).toISOString(), timeZone: 'Asia/Shanghai' } }), 'test');
      const [fresh, known, early] = [deviceId(10), deviceId(11), deviceId(12)];
      const at = T0 + hour;
      // batch 1: a known device (cookie) and the next scan of `early`, which another writer got first;
      // batch 2: a device minted for its first scan (no cookie) and scanning again, beside the known device;
      // batch 3: `early`'s first scan, minted too but already written by batch 1;
      // batch 4: the known device once more, the next day (one scan per device: no aggregation, an update)
      const batches: EventMap[][] = [
        [scanEventMap(1, { at, dev: known, nd: 0 }), scanEventMap(2, { at, dev: early, nd: 0 })],
        [scanEventMap(3, { at, dev: fresh, nd: 1 }), scanEventMap(4, { at, dev: fresh, nd: 0, t: '', o: Outcome.NoPrize }), scanEventMap(5, { at, dev: known, nd: 0 })],
        [scanEventMap(6, { at, dev: early, nd: 1 })],
        [scanEventMap(7, { at: at + day, dev: known, nd: 0, t: '', o: Outcome.NoPrize })],
      ];
      const stream = h.stream(campaign);
      const writer = new ScanEventWriter(h.pool, ensureScanEventPartitions);
      for (const maps of batches) {
        await h.t.redis.del(stream.key);
        await appendScanEvents(h.t.redis, stream.key, maps);
        const entries = (await h.t.redis.xrangeBuffer(stream.key, '-', '+')).map(([id, fields]): StreamEntry => ({ stream, id: id.toString(), fields, deliveries: 1 }));
        await writer.writeEvents(entries.map((e) => decodeEvent(campaign, e.id, eventPayload(e))));
      }
      const { rows } = await h.pool.query<{ device_id: string; scans: string; codes_redeemed: string; prizes: string[] }>(
        'SELECT device_id, scans, codes_redeemed, prizes FROM analytics_devices WHERE campaign_id = $1 ORDER BY scans, device_id',
        [campaign],
      );
      expect(rows.map((r) => [r.device_id, Number(r.scans), Number(r.codes_redeemed), r.prizes]).sort()).toEqual(
        [
          [early, 2, 2, ['gold', 'gold']],
          [fresh, 2, 2, ['gold']],
          [known, 3, 3, ['gold', 'gold']],
        ].sort(),
      );
      expect(await h.count('SELECT sum(devices) AS n FROM analytics_device_spans WHERE campaign_id = $1', [campaign])).toBe(3);
      expect(await h.count('SELECT sum(devices) AS n FROM analytics_device_spans WHERE campaign_id = $1 AND last_day > first_day', [campaign])).toBe(1);
      expect(await h.count('SELECT count(*) AS n FROM scan_events WHERE campaign_id = $1', [campaign])).toBe(7);
      expect((await compareRollups(h.pool, campaign)).differences).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('live numbers', () => {
  it('reads the outcomes, issued and held hashes of the campaign, labelled with source and time', async () => {
    const h = await createIngestHarness();
    try {
      const keys = campaignKeys(h.t.prefix, 'live');
      await h.t.redis.hset(keys.outcomes, { won: 5, no_prize: 3 });
      await h.t.redis.hset(keys.issued, { grand: 4 });
      await h.t.redis.hset(keys.held, { grand: 1 });
      const readAt = new Date(T0);
      expect(await readLiveNumbers(h.t.redis, h.t.prefix, 'live', () => readAt)).toEqual({
        source: 'redis',
        readAt,
        outcomes: { won: 5, no_prize: 3 },
        issued: { grand: 4 },
        held: { grand: 1 },
      });
      expect(await readLiveNumbers(h.t.redis, h.t.prefix, 'none', () => readAt)).toEqual({ source: 'redis', readAt, outcomes: {}, issued: {}, held: {} });
    } finally {
      await h.close();
    }
  });
});
