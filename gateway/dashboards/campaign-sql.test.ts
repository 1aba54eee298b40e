import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetPaceDays, readBudgetBurn, type TierBurn } from '../../core/analytics/budget-burn.js';
import { readDeviceSegments, segmentRules } from '../../core/analytics/device-segments.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { Outcome, outcomeNames } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { appendScanEvents, fakeCode, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { dashboardFiles, panelQueries, readDashboard, variables, type DashboardQuery } from './testing/dashboard-files.js';
import { interpolateSql, parseInterval } from './testing/grafana-interpolation.js';

/**
 * Every SQL query of the campaign dashboard, expanded as Grafana expands it, run against a real
 * Postgres whose rollups the real ingest wrote from a hand-made fixture; each panel's columns,
 * types, rows and values are checked against numbers computed here from the fixture.
 */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const CAMPAIGN = 'grafana';
const NOW = Date.now();
/** the fixture's recent scans start two days before the current hour */
const START = Math.floor(NOW / hour) * hour - 2 * day;
/** the dashboard's time range: the last three days, as Grafana's "now-3d" sends it (unaligned) */
const range = { from: new Date(NOW - 3 * day), to: new Date(NOW) };
const shanghaiDay = (at: number) => new Date(at + 8 * hour).toISOString().slice(0, 10);
const deviceId = (n: number) => Buffer.alloc(16, n + 1).toString('base64url');

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
  held: Decision;
  decision: 'approve' | 'reject';
}

const tiers = { grand: { value: 888, unit: 'CNY', inventory: 1000 }, points: { value: 100, unit: 'points', inventory: 100_000 } } as const;

/**
 * 60 fresh codes over 45 hours (won, no prize, held), 10 replays, 8 clones (already_redeemed by
 * another device), 6 blocked scans, over three batches, four regions (one unknown) and 8
 * devices; device 0 also won a prize 20 days ago (a returning device with a gap); all held scans
 * but the last two reviewed, alternately approved and rejected.
 */
function fixture(batches: readonly number[]): { decisions: Decision[]; reviews: Review[] } {
  const regions = [null, 'CN-SH', 'CN-BJ', 'CN-GD'];
  const fresh: Decision[] = [];
  for (let i = 0; i < 60; i++) {
    const outcome = i % 10 === 0 ? Outcome.NoPrize : i % 6 === 0 ? Outcome.Held : Outcome.Won;
    fresh.push({
      at: START + i * 45 * minute,
      batch: batches[i % 3] as number,
      serial: i,
      device: i % 8,
      outcome,
      tier: outcome === Outcome.NoPrize ? null : i % 2 === 0 ? 'grand' : 'points',
      replay: false,
      reasons: outcome === Outcome.Held ? reasonBits.device_velocity | reasonBits.new_device_top_prize : 0,
      region: regions[i % 4] ?? null,
    });
  }
  const replays = Array.from({ length: 10 }, (_, i): Decision => ({ ...(fresh[i * 4] as Decision), at: (fresh[i * 4] as Decision).at + minute, replay: true }));
  const clones = Array.from({ length: 8 }, (_, i): Decision => {
    const first = fresh[i * 7] as Decision;
    return { ...first, at: first.at + 30 * minute, device: (first.device + 1) % 8, outcome: Outcome.AlreadyRedeemed, tier: null, reasons: reasonBits.clone };
  });
  const blocked = Array.from({ length: 6 }, (_, i): Decision => ({
    at: START + 46 * hour + i * minute,
    batch: batches[0] as number,
    serial: 100 + i,
    device: i % 3,
    outcome: Outcome.Blocked,
    tier: null,
    replay: false,
    reasons: reasonBits.ip_device_farm,
    region: 'CN-GD',
  }));
  const old: Decision = { at: NOW - 20 * day, batch: batches[0] as number, serial: 200, device: 0, outcome: Outcome.Won, tier: 'grand', replay: false, reasons: 0, region: 'CN-SH' };
  const held = fresh.filter((d) => d.outcome === Outcome.Held);
  const reviews = held.slice(0, -2).map((d, i): Review => ({ at: d.at + hour, held: d, decision: i % 2 === 0 ? 'approve' : 'reject' }));
  return { decisions: [old, ...fresh, ...replays, ...clones, ...blocked].sort((a, b) => a.at - b.at), reviews };
}

/** A query's result as the checks read it: column names with their Postgres types, and rows. */
interface Result {
  readonly columns: string;
  readonly rows: Record<string, unknown>[];
}

const typeNames = new Map<number, string>(
  Object.entries({ bool: 16, int8: 20, int2: 21, int4: 23, text: 25, float8: 701, timestamptz: 1184, numeric: 1700 }).map(([name, oid]) => [oid, name]),
);

const num = (value: unknown) => Number(value);
/** A timestamptz as Postgres prints it ("2026-03-10 04:00:00.123+00") in ms. */
const pgTime = (value: unknown) => Date.parse(String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('campaign dashboard SQL against real rollups', () => {
  let h: IngestHarness;
  let batches: number[];
  let data: ReturnType<typeof fixture>;
  const dashboard = readDashboard(dashboardFiles.campaign);
  const queries = panelQueries(dashboard);

  beforeAll(async () => {
    h = await createIngestHarness();
    await applyCampaign(h.pool, decisionCampaign(CAMPAIGN, { window: { startsAt: new Date(NOW - 30 * day).toISOString(), endsAt: new Date(NOW + 10 * day).toISOString(), timeZone: 'Asia/Shanghai' } }), 'test');
    const batch = async (name: string, region: string | null, status: string, printed: number) =>
      (
        await h.pool.query<{ id: number }>(
          `INSERT INTO code_batches (campaign_id, name, region, serial_first, serial_last, printed_count, status) VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id`,
          [CAMPAIGN, name, region, printed - 1, printed, status],
        )
      ).rows[0]?.id as number;
    batches = [await batch('grafana-sh', 'CN-SH', 'active', 400), await batch('grafana-bj', 'CN-BJ', 'active', 100), await batch('grafana-none', null, 'inactive', 100)];
    data = fixture(batches);

    // Through the real ingest: the events as the decision script appends them, then the reviews of the held ones.
    const stream = h.stream(CAMPAIGN);
    const codes = new Map<string, string>();
    const codeOf = (d: Decision) => codes.get(`${d.batch}:${d.serial}`) ?? (codes.set(`${d.batch}:${d.serial}`, fakeCode(d.batch, d.serial)).get(`${d.batch}:${d.serial}`) as string);
    const scanMaps: EventMap[] = data.decisions.map((d) =>
      scanEventMap(d.serial, { at: d.at, code: codeOf(d), batch: d.batch, dev: deviceId(d.device), o: d.outcome, t: d.tier ?? '', rp: d.replay ? 1 : 0, rs: d.reasons, rg: d.region ?? '' }),
    );
    await appendScanEvents(h.t.redis, stream.key, scanMaps);
    const ids = (await h.t.redis.xrange(stream.key, '-', '+')).map(([id]) => id);
    const heldId = (held: Decision) => ids[data.decisions.findIndex((d) => d === held)];
    await appendScanEvents(
      h.t.redis,
      stream.key,
      data.reviews.map((r) => ({ v: 1, k: 'review', at: r.at, code: codeOf(r.held), scan: heldId(r.held), dec: r.decision, by: 'alice', note: '', t: r.held.tier })),
    );
    h.consumer().start();
    await h.waitUntilDrained();
    await h.stopConsumers();
    await h.pool.query(`INSERT INTO ingest_dead_letters (campaign_id, stream_id, payload, error, deliveries) VALUES ($1, '1-1', '\\x00', 'not msgpack', 3)`, [CAMPAIGN]);
  });
  afterAll(() => h?.close());

  /** A panel's query as Grafana sends it ($__interval at the panel's min interval, as for a range of a few days), run. */
  async function run(query: DashboardQuery, variablesOverride: Record<string, string> = {}): Promise<Result> {
    const sql = interpolateSql(query.text, {
      range,
      intervalMs: query.minInterval === undefined ? hour : parseInterval(query.minInterval),
      variables: { campaign: CAMPAIGN, device: deviceId(3), ...variablesOverride },
    });
    const result = await h.pool.query<Record<string, unknown>>({ text: sql, types: { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig });
    return { columns: result.fields.map((f) => `${f.name}:${typeNames.get(f.dataTypeID) ?? f.dataTypeID}`).join(' '), rows: result.rows };
  }

  // ---------------------------------------------------------------- what the fixture must give, by hand
  const inRange = (d: Decision) => Math.floor(d.at / hour) * hour >= range.from.getTime() && d.at <= range.to.getTime();
  const consumes = (d: Decision) => !d.replay && [Outcome.Won, Outcome.NoPrize, Outcome.Held].includes(d.outcome);
  const reserves = (d: Decision) => !d.replay && d.tier !== null && (d.outcome === Outcome.Won || d.outcome === Outcome.Held);
  const recent = () => data.decisions.filter(inRange);
  const activated = 500;
  const localDays = () => {
    const days: string[] = [];
    for (let at = range.from.getTime(); shanghaiDay(at) <= shanghaiDay(range.to.getTime() - 1); at += day) days.push(shanghaiDay(at));
    return [...new Set(days)];
  };
  const firstDay = (device: number) => shanghaiDay(Math.min(...data.decisions.filter((d) => d.device === device).map((d) => d.at)));
  const devicesOn = (days: readonly string[]) => new Set(data.decisions.filter((d) => days.includes(shanghaiDay(d.at))).map((d) => d.device));
  const rejectedInRange = () => data.reviews.filter((r) => r.decision === 'reject' && r.at >= range.from.getTime());
  const issued = (tier: string, decisions: readonly Decision[], reviews: readonly Review[]) =>
    decisions.filter((d) => reserves(d) && d.tier === tier).length - reviews.filter((r) => r.decision === 'reject' && r.held.tier === tier).length;

  /** Each panel's expected columns (name:type, in order) and its checks on the rows. */
  const expectations: Record<string, { columns: string; check: (rows: Record<string, unknown>[]) => void }> = {
    'Scans in range': { columns: 'scans:int8', check: (rows) => expect(rows).toEqual([{ scans: String(recent().length) }]) },
    'Codes redeemed in range': { columns: 'codes_redeemed:int8', check: (rows) => expect(num(rows[0]?.codes_redeemed)).toBe(recent().filter(consumes).length) },
    'Scan conversion': { columns: 'scan_conversion:float8', check: (rows) => expect(num(rows[0]?.scan_conversion)).toBeCloseTo(recent().filter(consumes).length / activated, 12) },
    'Repeat-scan rate': {
      columns: 'repeat_scan_rate:float8',
      check: (rows) => expect(num(rows[0]?.repeat_scan_rate)).toBeCloseTo(recent().filter((d) => d.replay || d.outcome === Outcome.AlreadyRedeemed).length / recent().length, 12),
    },
    'Devices: unique / new / returning': {
      columns: 'unique:int8 new:int8 returning:int8',
      check: (rows) => {
        const seen = devicesOn(localDays());
        const fresh = [...seen].filter((device) => localDays().includes(firstDay(device))).length;
        expect(rows).toEqual([{ unique: String(seen.size), new: String(fresh), returning: String(seen.size - fresh) }]);
        expect([seen.size, seen.size - fresh]).toEqual([8, 1]);
      },
    },
    'Codes activated': { columns: 'codes_activated:int8', check: (rows) => expect(rows).toEqual([{ codes_activated: String(activated) }]) },
    'Prizes issued in range': {
      columns: 'prizes_issued:numeric',
      check: (rows) => expect(num(rows[0]?.prizes_issued)).toBe(recent().filter(reserves).length - rejectedInRange().length),
    },
    'Review backlog (held now)': { columns: 'held:int8', check: (rows) => expect(rows).toEqual([{ held: '2' }]) },
    'Oldest held waiting': {
      columns: 'oldest_held_seconds:float8',
      check: (rows) => {
        const unreviewed = data.decisions.filter((d) => d.outcome === Outcome.Held && !d.replay && !data.reviews.some((r) => r.held === d));
        const expected = (Date.now() - Math.min(...unreviewed.map((d) => d.at))) / 1000;
        expect(Math.abs(num(rows[0]?.oldest_held_seconds) - expected)).toBeLessThan(60);
      },
    },
    'Review approval rate': {
      columns: 'approval_rate:float8',
      check: (rows) => expect(num(rows[0]?.approval_rate)).toBeCloseTo(data.reviews.filter((r) => r.decision === 'approve').length / data.reviews.length, 12),
    },
    'Ingest dead letters': { columns: 'dead_letters:int8', check: (rows) => expect(rows).toEqual([{ dead_letters: '1' }]) },
    'Scans per hour by outcome': {
      columns: 'time:numeric metric:text value:numeric',
      check: (rows) => {
        for (const outcome of [Outcome.Won, Outcome.NoPrize, Outcome.Held, Outcome.AlreadyRedeemed, Outcome.Blocked]) {
          const scans = rows.filter((r) => r.metric === outcomeNames[outcome]).map((r) => num(r.value));
          expect(sum(scans), outcomeNames[outcome]).toBe(recent().filter((d) => d.outcome === outcome).length);
        }
        expect(sum(rows.map((r) => num(r.value)))).toBe(recent().length);
      },
    },
    'Held / blocked by reason': {
      columns: 'reason:text held:int8 blocked:int8 held_rate:float8 blocked_rate:float8',
      check: (rows) => {
        const held = recent().filter((d) => d.outcome === Outcome.Held).length;
        const blocked = recent().filter((d) => d.outcome === Outcome.Blocked).length;
        expect(rows.map((r) => [r.reason, num(r.held), num(r.blocked)])).toEqual([
          ['device_velocity', held, 0],
          ['new_device_top_prize', held, 0],
          ['ip_device_farm', 0, blocked],
        ]);
        expect(num(rows[2]?.blocked_rate)).toBeCloseTo(blocked / recent().length, 12);
        expect(num(rows[0]?.held_rate)).toBeCloseTo(held / recent().length, 12);
      },
    },
    'Prizes reserved per hour by tier': {
      columns: 'time:numeric metric:text value:numeric',
      check: (rows) => {
        for (const tier of Object.keys(tiers)) expect(sum(rows.filter((r) => r.metric === tier).map((r) => num(r.value)))).toBe(recent().filter((d) => reserves(d) && d.tier === tier).length);
        expect(new Set(rows.map((r) => r.metric))).toEqual(new Set(Object.keys(tiers)));
      },
    },
    'Scan conversion (cumulative) and repeat-scan rate': {
      columns: 'time:numeric scan conversion:float8 repeat-scan rate:float8',
      check: (rows) => {
        // one bucket per hour of the range with scans (no fill)
        const hours = [...new Set(recent().map((d) => Math.floor(d.at / hour) * hour))].sort((a, b) => a - b);
        expect(rows.map((r) => num(r.time) * 1000)).toEqual(hours);
        // cumulative since the campaign began: the first bucket includes the code redeemed 20 days ago
        expect(num(rows[0]?.['scan conversion'])).toBeCloseTo(data.decisions.filter((d) => consumes(d) && d.at < START + hour).length / activated, 12);
        expect(data.decisions.filter((d) => consumes(d) && d.at < range.from.getTime()).length).toBe(1);
        expect(num(rows.at(-1)?.['scan conversion'])).toBeCloseTo(data.decisions.filter(consumes).length / activated, 12);
        const lastHour = Math.floor(Math.max(...recent().map((d) => d.at)) / hour) * hour;
        const inLastHour = recent().filter((d) => Math.floor(d.at / hour) * hour === lastHour);
        expect(num(rows.at(-1)?.['repeat-scan rate'])).toBeCloseTo(inLastHour.filter((d) => d.replay || d.outcome === Outcome.AlreadyRedeemed).length / inLastHour.length, 12);
      },
    },
    'Scans by weekday × hour (campaign time zone)': {
      columns: 'weekday:text hour:text scans:int8',
      check: (rows) => {
        expect(rows.length).toBe(7 * 24);
        expect(rows.slice(0, 2).map((r) => [r.weekday, r.hour])).toEqual([
          ['Mon', '00'],
          ['Mon', '01'],
        ]);
        const cells = new Map<string, number>();
        for (const d of recent()) {
          const local = new Date(d.at + 8 * hour);
          const key = `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()]} ${String(local.getUTCHours()).padStart(2, '0')}`;
          cells.set(key, (cells.get(key) ?? 0) + 1);
        }
        expect(new Map(rows.filter((r) => num(r.scans) > 0).map((r) => [`${String(r.weekday)} ${String(r.hour)}`, num(r.scans)]))).toEqual(cells);
      },
    },
    'Batches: conversion and diversion': {
      columns: 'batch:int4 name:text shipped_to:text status:text printed:int8 scans:int8 codes_redeemed:int8 conversion:float8 off_region_share:float8',
      check: (rows) => {
        const shipped = ['CN-SH', 'CN-BJ', null];
        expect(rows.map((r) => num(r.batch))).toEqual(batches);
        rows.forEach((row, i) => {
          const of = recent().filter((d) => d.batch === batches[i]);
          const redeemed = of.filter(consumes).length;
          const located = of.filter((d) => d.region !== null);
          expect([row.shipped_to, num(row.scans), num(row.codes_redeemed)]).toEqual([shipped[i] ?? '', of.length, redeemed]);
          if (i === 2) expect([row.conversion, row.off_region_share]).toEqual([null, null]);
          else {
            expect(num(row.conversion)).toBeCloseTo(redeemed / [400, 100][i]!, 12);
            expect(num(row.off_region_share)).toBeCloseTo(located.filter((d) => d.region !== shipped[i]).length / located.length, 12);
          }
        });
      },
    },
    'Diversion matrix: shipped region × scanned region (防窜货)': {
      columns: 'shipped_to:text scanned_in:text scans:int8',
      check: (rows) => {
        const shippedOf = new Map([
          [batches[0], 'CN-SH'],
          [batches[1], 'CN-BJ'],
          [batches[2], '(none)'],
        ]);
        const cells = new Map<string, number>();
        for (const d of recent()) {
          const key = `${shippedOf.get(d.batch) as string}→${d.region ?? '(unknown)'}`;
          cells.set(key, (cells.get(key) ?? 0) + 1);
        }
        expect(new Map(rows.map((r) => [`${String(r.shipped_to)}→${String(r.scanned_in)}`, num(r.scans)]))).toEqual(cells);
      },
    },
    'Budget burn per tier': {
      columns:
        'tier:text prize:text inventory:int8 issued:int8 held:int8 remaining:int8 used:float8 value_spent:float8 unit:text issued_per_day:float8 runs_out_at:timestamptz',
      check: (rows) => {
        expect(rows.map((r) => r.tier)).toEqual(['grand', 'points']);
        for (const row of rows) {
          const tier = tiers[row.tier as keyof typeof tiers];
          const name = row.tier as string;
          const total = issued(name, data.decisions, data.reviews);
          const held = data.decisions.filter((d) => d.outcome === Outcome.Held && !d.replay && d.tier === name).length - data.reviews.filter((r) => r.held.tier === name).length;
          const perDay = issued(name, recent(), data.reviews) / 3;
          expect([num(row.inventory), num(row.issued), num(row.held), num(row.remaining), num(row.value_spent), row.unit]).toEqual([
            tier.inventory,
            total,
            held,
            tier.inventory - total,
            total * tier.value,
            tier.unit,
          ]);
          expect(num(row.used)).toBeCloseTo(total / tier.inventory, 12);
          expect(num(row.issued_per_day)).toBeCloseTo(perDay, 9);
          const runsOut = Date.now() + ((tier.inventory - total) / perDay) * day;
          expect(Math.abs(pgTime(row.runs_out_at) - runsOut)).toBeLessThan(60_000);
        }
      },
    },
    'Devices per day: new and returning': {
      columns: 'time:timestamptz new:int8 returning:int8',
      check: (rows) => {
        expect(rows.length).toBe(localDays().length);
        rows.forEach((row, i) => {
          const today = localDays()[i] as string;
          expect(new Date(pgTime(row.time) + 8 * hour).toISOString()).toBe(`${today}T00:00:00.000Z`);
          const seen = devicesOn([today]);
          const fresh = [...seen].filter((device) => firstDay(device) === today).length;
          expect([num(row.new), num(row.returning)], today).toEqual([fresh, seen.size - fresh]);
        });
        expect(sum(rows.map((r) => num(r.new)))).toBe(7);
      },
    },
    'Device segments (RFM, now)': {
      columns: 'segment:text devices:int8 codes_redeemed:int8 prize_value:text',
      check: (rows) => {
        // device 0 was first seen 20 days ago and scanned again in the last 30 days; the rest are new
        const redeemedBy = (device: number) => data.decisions.filter((d) => d.device === device && consumes(d)).length;
        const zero = redeemedBy(0);
        const others = [1, 2, 3, 4, 5, 6, 7];
        const value = (devices: number[]) => {
          const prizes = data.decisions.filter((d) => devices.includes(d.device) && reserves(d));
          const grand = prizes.filter((d) => d.tier === 'grand').length;
          const points = prizes.filter((d) => d.tier === 'points').length;
          // a unit without a prize has no entry
          return [grand > 0 ? `${grand * 888} CNY` : '', points > 0 ? `${points * 100} points` : ''].filter(Boolean).join(', ');
        };
        expect(rows).toEqual([
          { segment: zero >= 5 ? 'loyal' : 'active', devices: '1', codes_redeemed: String(zero), prize_value: value([0]) },
          { segment: 'new', devices: '7', codes_redeemed: String(sum(others.map(redeemedBy))), prize_value: value(others) },
        ]);
      },
    },
    'Reviews per hour': {
      columns: 'time:numeric metric:text value:numeric',
      check: (rows) => {
        for (const decision of ['approve', 'reject'] as const)
          expect(sum(rows.filter((r) => r.metric === decision).map((r) => num(r.value)))).toBe(data.reviews.filter((r) => r.decision === decision && r.at >= range.from.getTime()).length);
      },
    },
    'Device drill-down: scans of $device': {
      columns: 'time:timestamptz code:text batch_id:int4 outcome:text replay:bool tier:text region:text score:int2 reason_mask:int4',
      check: (rows) => {
        const of = recent().filter((d) => d.device === 3);
        expect(rows.length).toBe(of.length);
        expect(rows.map((r) => r.outcome).sort()).toEqual(of.map((d) => outcomeNames[d.outcome]).sort());
        const times = rows.map((r) => pgTime(r.time));
        expect(times).toEqual([...times].sort((a, b) => b - a));
      },
    },
    'Latest dead letters': { columns: 'failed_at:timestamptz stream_id:text deliveries:int4 error:text', check: (rows) => expect(rows.map((r) => [r.stream_id, r.error])).toEqual([['1-1', 'not msgpack']]) },
  };

  it('has an expectation for every SQL panel, and no expectation without a panel; time series panels keep to the rollups\' hourly grain', () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const query of queries.filter((q) => q.format === 'time_series')) expect(parseInterval(query.minInterval ?? '0s'), query.panel).toBeGreaterThanOrEqual(hour);
    expect(queries.map((q) => q.panel).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(queries.map((q) => [q.panel, q] as const))('%s', async (_title, query) => {
    const expected = expectations[query.panel];
    if (!expected) throw new Error(`no expectation for panel "${query.panel}"`);
    const result = await run(query);
    expect(result.columns).toBe(expected.columns);
    // what Grafana needs of each format: a stat one row; a time series a time column first, in order
    if (query.panelType === 'stat') expect(result.rows.length).toBe(1);
    if (query.format === 'time_series') {
      expect(result.columns).toMatch(/^time:(numeric|timestamptz|float8)\b/);
      const times = result.rows.map((r) => (String(r.time).includes('-') ? pgTime(r.time) : num(r.time)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(result.rows.length, 'the fixture gives every panel rows').toBeGreaterThan(0);
    expected.check(result.rows);
  });

  it('every panel filters by the campaign: another campaign sees none of the fixture', async () => {
    for (const query of queries) {
      const { rows } = await run(query, { campaign: 'another' });
      const values = rows.flatMap((row) => Object.entries(row).filter(([column]) => !['time', 'weekday', 'hour', 'oldest_held_seconds'].includes(column)).map(([, value]) => value));
      const counted = values.filter((value) => value !== null && value !== '' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(String(value)) && Number(value) !== 0);
      expect(counted, query.panel).toEqual([]);
    }
  });

  // The dashboard's SQL repeats the console's thresholds as literals (Grafana cannot import them):
  // both must give the same figures, and the literals must be the constants core/analytics uses.
  it('budget burn and device segments agree with the console\'s queries (core/analytics) on the same rollups', async () => {
    const panel = (title: string) => queries.find((q) => q.panel === title) as DashboardQuery;
    const now = new Date();
    const burnRows = (await run(panel('Budget burn per tier'))).rows;
    const burn = await readBudgetBurn(h.pool, CAMPAIGN, now, budgetPaceDays);
    expect(burnRows.map((r) => [r.tier, num(r.inventory), num(r.issued), num(r.held), num(r.value_spent)])).toEqual(
      burn.map((t) => [t.tierId, t.inventory, t.issued, t.held, t.valueSpent]),
    );
    burnRows.forEach((row, i) => expect(num(row.issued_per_day)).toBeCloseTo((burn[i] as TierBurn).perDay, 9));
    expect(panel('Budget burn per tier').text).toContain(`interval '${budgetPaceDays} days'`);

    const segmentRows = (await run(panel('Device segments (RFM, now)'))).rows;
    const segments = await readDeviceSegments(h.pool, CAMPAIGN, now);
    expect(segmentRows.map((r) => [r.segment, num(r.devices), num(r.codes_redeemed)])).toEqual(segments.map((s) => [s.segment, s.devices, s.codesRedeemed]));
    const text = panel('Device segments (RFM, now)').text;
    expect(text).toContain(`today.day - ${segmentRules.newWithinDays} THEN 'new'`);
    expect(text).toContain(`today.day - ${segmentRules.activeWithinDays} AND s.codes_redeemed >= ${segmentRules.loyalCodes} THEN 'loyal'`);
  });

  it('the $campaign variable lists the campaign', async () => {
    const campaign = variables(dashboard).find((v) => v.name === 'campaign');
    const { rows } = await h.pool.query<{ __value: string; __text: string }>(interpolateSql(campaign?.query as string, { range, intervalMs: hour, variables: {} }));
    expect(rows).toEqual([{ __value: CAMPAIGN, __text: `Decision test ${CAMPAIGN}` }]);
  });

  it('the interpolation fails on a macro or variable Grafana would have expanded and it did not', () => {
    const fixed = { from: new Date('2026-03-09T15:30:00.000Z'), to: new Date('2026-03-10T04:00:12.340Z') };
    const context = { range: fixed, intervalMs: hour, variables: { campaign: "o'brien" } };
    // RFC 3339 with Go's trailing zeros of the fraction left out
    expect(interpolateSql('SELECT 1 WHERE c = ${campaign:sqlstring} AND $__timeFilter(t)', context)).toBe(
      "SELECT 1 WHERE c = 'o''brien' AND t BETWEEN '2026-03-09T15:30:00Z' AND '2026-03-10T04:00:12.34Z'",
    );
    expect(interpolateSql('SELECT $__timeGroupAlias(t, $__interval), $__interval_ms', context)).toBe('SELECT floor(extract(epoch from t)/3600)*3600 AS "time", 3600000');
    expect(() => interpolateSql('SELECT 1 WHERE $__unixEpochFilter(t)', context)).toThrow(/unknown macro/);
    expect(() => interpolateSql('SELECT 1 WHERE c = $region', context)).toThrow(/not expanded: \$region/);
    expect(() => interpolateSql('SELECT 1 WHERE c = ${campaign:csv}', context)).toThrow(/format csv/);
    expect(() => interpolateSql('SELECT 1 WHERE c = ${device}', context)).toThrow(/not expanded/);
  });
});
