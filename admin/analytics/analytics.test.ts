import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { invalidAttemptRetentionDays } from '../../core/analytics/invalid-attempts.js';
import { rebuildRollups } from '../../core/analytics/rebuild-rollups.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { createBatch, setBatchStatus, type Batch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, seedCampaignState, type FixtureCode } from '../../core/testing/decision-fixtures.js';
import { maskAddress, shortenDevice } from '../pii.js';
import { reviewTexts } from '../review/review-texts.js';
import { createAdminHarness, type AdminAgent, type AdminHarness } from '../testing/admin-harness.js';
import { decideAndRecord } from '../testing/held-scans.js';
import { insertScanRow } from '../testing/scan-rows.js';
import type { Role } from '../users/roles.js';
import { maxRangeDays } from './analytics-selection.js';
import { analyticsTexts } from './analytics-texts.js';
import type { AnalyticsData } from './analytics-data.js';
import { analyticsTables, tableIds } from './analytics-tables.js';
import { int, text } from './cells.js';

const hour = 3_600_000;
const day = 24 * hour;
const en = { 'accept-language': 'en' };

let h: AdminHarness;
let campaign: Campaign;
let batch: Batch;
const users = {} as Record<Role, string>;
const devices = { winner: 'device-winner-0001', cloner: 'device-cloner-0002', ipv6: 'device-ipv6-00003' };

/** Scans decided by the real script and recorded as the ingest would, then the rollups recomputed from them (the ingest's own definition). */
async function seedScans(): Promise<void> {
  campaign = decisionCampaign('an-test', {
    window: { startsAt: new Date(Date.UTC(2026, 2, 1)).toISOString(), endsAt: new Date(Date.UTC(2026, 3, 30)).toISOString(), timeZone: 'Asia/Shanghai' },
  });
  await applyCampaign(h.stack.pool, campaign, 'test');
  batch = await createBatch(h.stack.pool, { campaignId: campaign.id, printedCount: 100, name: 'an-sh', region: 'CN-SH' });
  await setBatchStatus(h.stack.pool, batch.id, true, { client: h.stack.t.redis, prefix: h.stack.t.prefix }, 'test');
  await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaign.id, [batch.id]);
  const next = codeSource(batch.id);
  const [a, b, c, d, e, f] = Array.from({ length: 6 }, next) as [FixtureCode, FixtureCode, FixtureCode, FixtureCode, FixtureCode, FixtureCode];
  const scan = fixtureScan;
  const first = await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [
    scan(campaign, a, { deviceId: devices.winner }, { tierIndex: 0, region: 'CN-SH' }),
    scan(campaign, b, {}, { tierIndex: -1, region: 'CN-SH' }),
    scan(campaign, c, {}, { tierIndex: 1, score: 60, reasonMask: reasonBits.new_device_top_prize, region: 'CN-SH' }),
    scan(campaign, d, {}, { score: 90, reasonMask: reasonBits.device_velocity, region: 'CN-SH' }),
    scan(campaign, e, { deviceId: devices.ipv6, ip: '2001:db8:1:2::5' }, { tierIndex: -1, region: 'CN-BJ' }),
  ], h.now - hour);
  expect(first.map((decision) => decision.outcome)).toEqual([Outcome.Won, Outcome.NoPrize, Outcome.Held, Outcome.Blocked, Outcome.NoPrize]);
  const second = await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [
    scan(campaign, a, { deviceId: devices.winner }, { tierIndex: 0, region: 'CN-SH' }),
    scan(campaign, a, { deviceId: devices.cloner }, { tierIndex: 0, region: 'CN-SH' }),
  ], h.now - hour + 60_000);
  expect(second.map((decision) => [decision.outcome, decision.replay])).toEqual([[Outcome.Won, true], [Outcome.AlreadyRedeemed, false]]);
  // the previous period (7 days earlier): one scan
  await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [scan(campaign, f, {}, { tierIndex: -1 })], h.now - 7 * day);
  await rebuildRollups(h.stack.pool, campaign.id);
}

beforeAll(async () => {
  h = await createAdminHarness();
  for (const role of ['admin', 'reviewer', 'viewer'] as const) users[role] = await h.user(role);
  await seedScans();
});

afterAll(() => h?.close());

async function signedIn(role: Role): Promise<AdminAgent> {
  const agent = h.agent();
  expect((await agent.login(users[role], h.password)).statusCode).toBe(303);
  return agent;
}

const kpiValue = (body: string, key: string) => new RegExp(`data-kpi="${key}">\\s*<div class="kpi-label">[^<]*</div>\\s*<div class="kpi-value">([^<]*)<`).exec(body)?.[1];
const kpiTone = (body: string, key: string) => new RegExp(`data-kpi="${key}">[\\s\\S]*?<div class="kpi-change [^"]*tone-(\\w+)"`).exec(body)?.[1];
const kpiChangeText = (body: string, key: string) => new RegExp(`data-kpi="${key}">[\\s\\S]*?<div class="kpi-change[^"]*">([^<]*)<`).exec(body)?.[1];
const csvRows = (body: string) => body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');

describe('routes × roles', () => {
  const urls = ['/analytics', `/analytics?campaign=${'an-test'}`, ...tableIds.map((id) => `/analytics/csv/${id}?campaign=an-test`)];

  it.each(['admin', 'reviewer', 'viewer'] as const)('%s opens the overview and every CSV export', async (role) => {
    const agent = await signedIn(role);
    for (const url of urls) {
      const response = await agent.get(url, en);
      expect(response.statusCode, `${role} GET ${url}`).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    }
    expect((await agent.get('/audit', en)).body).toMatch(/<a href="\/analytics"[^>]*>Campaign analytics<\/a>/);
  });

  it('sends a request without a session to the login page', async () => {
    const agent = h.agent();
    for (const url of urls) {
      const response = await agent.get(url);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
  });

  it('serves ECharts and its zh-CN locale from node_modules, and nothing else of the package', async () => {
    const agent = h.agent();
    const script = await agent.get('/vendor/echarts/dist/echarts.min.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body.length).toBeGreaterThan(500_000);
    expect((await agent.get('/vendor/echarts/i18n/langZH.js')).statusCode).toBe(200);
    expect((await agent.get('/vendor/echarts/package.json')).statusCode).toBe(404);
    expect((await agent.get('/vendor/echarts/../../package.json')).statusCode).toBe(404);
  });
});

describe('overview', () => {
  it('shows the ingested scans in the KPI cards, against the previous period of the same length', async () => {
    const agent = await signedIn('viewer');
    const page = await agent.get(`/analytics?campaign=${campaign.id}`, en);
    expect(page.statusCode).toBe(200);
    // default range: the last 7 campaign-local days up to today (2026-03-10 in Shanghai)
    expect(page.body).toContain('name="from" value="2026-03-04"');
    expect(page.body).toContain('name="to" value="2026-03-10"');
    expect(kpiValue(page.body, 'scans')).toBe('7');
    expect(kpiValue(page.body, 'uniqueDevices')).toBe('6');
    expect(kpiValue(page.body, 'codesRedeemed')).toBe('4');
    // 4 codes redeemed of 100 printed in the active batch; (1 already redeemed + 1 replay) of 7 scans
    expect(kpiValue(page.body, 'scanConversion')).toBe('4%');
    expect(kpiValue(page.body, 'repeatScanRate')).toBe('28.6%');
    // 7 scans against 1 in 2026-02-25 .. 2026-03-03
    expect(kpiChangeText(page.body, 'scans')).toMatch(/^\+600% vs previous period/);
    expect(kpiChangeText(page.body, 'codesRedeemed')).toMatch(/^\+300% vs previous period/);
    // more scans is good news; a higher repeat-scan rate is not
    expect(kpiTone(page.body, 'scans')).toBe('good');
    expect(kpiTone(page.body, 'repeatScanRate')).toBe('bad');
    expect(page.body).toContain('compared with 2026-02-25 to 2026-03-03');
    expect(page.body).toMatch(/<svg class="sparkline"/);
  });

  it('shows a one-day range by the hour, and the earlier period on its own', async () => {
    const agent = await signedIn('viewer');
    const today = await agent.get(`/analytics?campaign=${campaign.id}&from=2026-03-10&to=2026-03-10`, en);
    expect(kpiValue(today.body, 'scans')).toBe('7');
    // the scans were at 11:00 Shanghai time
    const series = csvRows((await agent.get(`/analytics/csv/outcomes?campaign=${campaign.id}&from=2026-03-10&to=2026-03-10`, en)).body);
    expect(series).toHaveLength(1 + 24);
    expect(series[0]).toBe('Time,won,no prize,already redeemed,held,blocked,Scans');
    expect(series).toContain('2026-03-10 11:00,2,2,1,1,1,7');
    const before = await agent.get(`/analytics?campaign=${campaign.id}&from=2026-03-03&to=2026-03-03`, en);
    expect(kpiValue(before.body, 'scans')).toBe('1');
  });

  it('puts the chart data in a JSON block the page does not execute, and draws with a static script', async () => {
    const agent = await signedIn('viewer');
    const page = await agent.get(`/analytics?campaign=${campaign.id}`, en);
    const block = /<script type="application\/json" id="analytics-charts">([^<]*)<\/script>/.exec(page.body)?.[1];
    const payload = JSON.parse(block as string) as { locale: string; charts: Record<string, { type: string }> };
    expect(payload.locale).toBe('EN');
    expect(Object.keys(payload.charts).sort()).toEqual(['batches', 'budget', 'diversion', 'heatmap', 'offRegion', 'outcomes', 'reasons', 'segments']);
    expect(page.body).not.toMatch(/<script>/);
    expect(page.body).toContain('<script src="/static/analytics.js" defer></script>');
    const zh = await agent.get(`/analytics?campaign=${campaign.id}`, { 'accept-language': 'zh-CN' });
    expect(zh.body).toContain('<script src="/vendor/echarts/i18n/langZH.js" defer></script>');
    expect(zh.body).toContain('"locale":"ZH"');
    expect(zh.body).toContain(analyticsTexts['zh-CN'].kpi.scanConversion);
  });

  it('sets live numbers from Redis beside the committed ones, each with its source and time', async () => {
    const agent = await signedIn('admin');
    const live = () => agent.get(`/analytics/csv/live?campaign=${campaign.id}`, en);
    expect(csvRows((await live()).body)).toContain('Scans: won,2,2,0');
    // decided in Redis, not yet ingested: live runs ahead of committed by one
    const [decision] = await decideScans(h.stack.t.redis, h.stack.t.prefix, campaign, [fixtureScan(campaign, codeSource(batch.id)(), {}, { tierIndex: -1 })], h.now - 1000);
    expect(decision?.outcome).toBe(Outcome.AlreadyRedeemed);
    const rows = csvRows((await live()).body);
    expect(rows).toContain('Scans: already redeemed,1,2,1');
    expect(rows).toContain('Issued: grand,1,1,0');
    expect(rows).toContain('Held: points,1,1,0');
    const page = await agent.get(`/analytics?campaign=${campaign.id}`, en);
    expect(page.body).toMatch(/Committed: Postgres rollups \(written by the ingest\)<\/strong> — read at <time datetime="2026-03-10T04:00:00.000Z">2026-03-10 12:00<\/time>/);
    expect(page.body).toMatch(/Live: Redis counters<\/strong> — read at <time datetime="2026-03-10T04:00:00.000Z">/);
  });

  it('shows the budget burn, diversion, heatmap, fraud and batch tables from the rollups', async () => {
    const agent = await signedIn('viewer');
    const csv = async (table: string) => csvRows((await agent.get(`/analytics/csv/${table}?campaign=${campaign.id}`, en)).body);
    expect((await csv('budget'))[1]).toMatch(/^grand,cash,888,CNY,1000,1,0,0\.001,888,/);
    expect(await csv('diversion')).toEqual(['Shipped to \\ Scanned in,CN-BJ,CN-SH', 'CN-SH,1,6']);
    expect(await csv('offRegion')).toContain(`${batch.id},an-sh,CN-SH,7,1,0.142857`);
    // Tuesday 11:00 in Shanghai: 7 scans
    const tuesday = (await csv('heatmap'))[2]?.split(',');
    expect(tuesday?.[0]).toBe('Tue');
    expect(tuesday?.[12]).toBe('7');
    const reasons = await csv('reasons');
    const words = reviewTexts.en.reasonWords;
    expect(reasons).toContain(`held,${words.new_device_top_prize},1,0.142857`);
    expect(reasons).toContain(`blocked,${words.device_velocity},1,0.142857`);
    expect(reasons).toContain(`already redeemed,${words.clone},1,0.142857`);
    expect(await csv('reviews')).toContain('Review backlog (now),1');
    // since the start: the previous period's scan too
    expect(await csv('batches')).toContain(`${batch.id},an-sh,CN-SH,active,100,8,5,0.05`);
  });
});

describe('invalid-code attempts (the gateways’ counters)', () => {
  const field = (ms: number) => String(Math.floor(ms / hour) * 3600);

  it('shows the range’s attempts on a card labelled with its source, against the previous period, and in the KPI and live CSVs, to every role', async () => {
    // as the gateways write them; the default range is 2026-03-04 .. 2026-03-10 in Shanghai, now is 12:00 there
    await h.stack.t.redis.hset(campaignKeys(h.stack.t.prefix, campaign.id).invalidAttempts, {
      [field(h.now - hour)]: '9',
      [field(h.now - 2 * day)]: '3',
      [field(h.now - 8 * day)]: '4', // the previous period
      [field(h.now + day)]: '100', // after the range
    });
    for (const role of ['viewer', 'reviewer', 'admin'] as const) {
      const agent = await signedIn(role);
      const page = await agent.get(`/analytics?campaign=${campaign.id}`, en);
      expect(kpiValue(page.body, 'invalidAttempts'), role).toBe('12');
      expect(kpiChangeText(page.body, 'invalidAttempts')).toMatch(/^\+200% vs previous period/);
      expect(kpiTone(page.body, 'invalidAttempts')).toBe('bad');
      expect(page.body).toMatch(/data-kpi="invalidAttempts">[\s\S]*?<div class="kpi-source">Source: gateway counters, via Redis, flushed every 5 s<\/div>/);
      expect(page.body).toMatch(/Invalid-code attempts: gateway counters \(via Redis, flushed every 5 s; not in Postgres\)<\/strong> — read at <time datetime="2026-03-10T04:00:00.000Z">/);
      const kpis = csvRows((await agent.get(`/analytics/csv/kpis?campaign=${campaign.id}`, en)).body);
      expect(kpis).toContain('"Invalid-code attempts (gateway counters, via Redis)",12,4,2');
      const live = csvRows((await agent.get(`/analytics/csv/live?campaign=${campaign.id}`, en)).body);
      expect(live).toContain(`"Invalid-code attempts (gateway counters, not in Postgres; last ${invalidAttemptRetentionDays} days)",,116,`);
    }
    const zh = await (await signedIn('viewer')).get(`/analytics?campaign=${campaign.id}&from=2026-03-10&to=2026-03-10`, { 'accept-language': 'zh-CN' });
    expect(zh.body).toContain(`<div class="kpi-label">${analyticsTexts['zh-CN'].kpi.invalidAttempts}</div>`);
    expect(kpiValue(zh.body, 'invalidAttempts')).toBe('9');
    expect(zh.body).toContain(analyticsTexts['zh-CN'].invalidSource(5));
  });

  it('keeps the attempts of the longest range and the period before it', () => {
    expect(invalidAttemptRetentionDays).toBeGreaterThanOrEqual(2 * maxRangeDays);
  });

  it('says the counters are unavailable without Redis, and leaves the cells empty', () => {
    const context = { locale: 'en' as const, selection: {} as never, masked: false, now: new Date(h.now) };
    const unavailable = { unavailable: true } as const;
    // what the live table needs (the definitions are typed by their `needs`)
    const data = { committed: { source: 'postgres', readAt: new Date(h.now), outcomes: {}, newestHour: null }, live: unavailable, burn: [], invalidAttempts: unavailable } as unknown as AnalyticsData;
    const live = analyticsTables.live.build(data, context);
    expect(live.rows).toEqual([[text(analyticsTexts.en.liveRows.invalidAttempts(invalidAttemptRetentionDays)), int(null), int(null), int(null)]]);
  });
});

describe('CSV export', () => {
  it('names the file after campaign, table and range, and writes headers in the page language', async () => {
    const agent = await signedIn('viewer');
    const response = await agent.get(`/analytics/csv/kpis?campaign=${campaign.id}&from=2026-03-04&to=2026-03-10`, { 'accept-language': 'zh-CN' });
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="scangate-an-test-kpis-2026-03-04_2026-03-10.csv"; filename*=UTF-8''scangate-an-test-kpis-2026-03-04_2026-03-10.csv`,
    );
    expect(response.body.startsWith('\uFEFF指标,本期,上期,变化\r\n')).toBe(true);
    expect(csvRows(response.body)).toContain('扫码次数,7,1,6');
  });

  it('shows reviewers and admins whole device ids and addresses, and viewers masked ones', async () => {
    const rows = async (role: Role) => (await (await signedIn(role)).get(`/analytics/csv/devices?campaign=${campaign.id}`, en)).body;
    for (const role of ['admin', 'reviewer'] as const) {
      const body = await rows(role);
      expect(body).toContain(`${devices.winner},`);
      expect(body).toContain(',203.0.113.10\r\n');
      expect(body).toContain(',2001:db8:1:2::5\r\n');
    }
    const viewer = await rows('viewer');
    for (const id of Object.values(devices)) expect(viewer).not.toContain(id);
    expect(viewer).toContain(`${shortenDevice(devices.winner)},`);
    expect(viewer).not.toContain('203.0.113.10');
    expect(viewer).toContain(`,${maskAddress('203.0.113.10')}\r\n`);
    expect(viewer).not.toContain('2001:db8:1:2::5');
    expect(viewer).toContain(`,${maskAddress('2001:db8:1:2::5')}\r\n`);
    // the page masks the same way
    const page = await (await signedIn('viewer')).get(`/analytics?campaign=${campaign.id}`, en);
    expect(page.body).not.toContain(devices.winner);
    expect(page.body).not.toContain('203.0.113.10');
  });

  it('guards cells that would run as spreadsheet formulas, quotes what needs quoting, and keeps hostile text out of the page script', async () => {
    const hostile = decisionCampaign('an-hostile');
    await applyCampaign(h.stack.pool, hostile, 'test');
    const hostileBatch = await createBatch(h.stack.pool, { campaignId: hostile.id, printedCount: 10, name: 'hb-1', region: 'CN-SH' });
    const region = '</script><script>alert(1)</script>';
    for (const [i, deviceId] of ['=HYPERLINK("http://evil.example","x")', '+1-2', '@SUM(A1)', 'plain,with "quotes"'].entries())
      await insertScanRow(h.stack.pool, { campaignId: hostile.id, batchId: hostileBatch.id, eventId: `${i}-0`, code: `code-${i}`, outcome: Outcome.NoPrize, at: new Date(h.now - hour), deviceId, region });
    await rebuildRollups(h.stack.pool, hostile.id);
    const agent = await signedIn('admin');
    const devicesCsv = (await agent.get(`/analytics/csv/devices?campaign=${hostile.id}`, en)).body;
    expect(devicesCsv).toContain(`\r\n"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(devicesCsv).toContain(`\r\n'+1-2,`);
    expect(devicesCsv).toContain(`\r\n'@SUM(A1),`);
    expect(devicesCsv).toContain(`\r\n"plain,with ""quotes""",`);
    const page = await agent.get(`/analytics?campaign=${hostile.id}`, en);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(region);
    const block = /<script type="application\/json" id="analytics-charts">([^<]*)<\/script>/.exec(page.body)?.[1];
    expect((JSON.parse(block as string) as { charts: { diversion: { x: string[] } } }).charts.diversion.x).toEqual([region]);
  });
});

describe('bad input', () => {
  const cases: [string, string][] = [
    ['campaign=no-such-campaign', 'There is no such campaign'],
    ['campaign=Not%20A%20Slug!', 'There is no such campaign'],
    ['campaign=an-test&from=2026-02-30', 'Invalid date'],
    ['campaign=an-test&to=yesterday', 'Invalid date'],
    ['campaign=an-test&from=2026-3-1', 'Invalid date'],
    ['campaign=an-test&from=2026-03-10&to=2026-03-01', 'The start date is after the end date'],
    ['campaign=an-test&from=2026-01-01&to=2026-12-31', `at most ${maxRangeDays} days`],
  ];

  it.each(cases)('answers ?%s with 400 and says why, on the page and the CSV export', async (query, message) => {
    const agent = await signedIn('viewer');
    for (const url of [`/analytics?${query}`, `/analytics/csv/kpis?${query}`]) {
      const response = await agent.get(url, en);
      expect(response.statusCode, url).toBe(400);
      expect(response.body).toMatch(new RegExp(`role="alert">[^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      // the pickers come back, to fix the choice
      expect(response.body).toContain('<form class="filters analytics-pickers"');
    }
  });

  it('answers an unknown parameter or table with the schema 400', async () => {
    const agent = await signedIn('viewer');
    expect((await agent.get('/analytics?campaign=an-test&nope=1', en)).statusCode).toBe(400);
    expect((await agent.get('/analytics/csv/nope?campaign=an-test', en)).statusCode).toBe(400);
    expect((await agent.get(`/analytics?campaign=an-test&from=${'9'.repeat(5000)}`, en)).statusCode).toBe(400);
  });

  it('accepts the empty fields a submitted form sends, as the defaults', async () => {
    const agent = await signedIn('viewer');
    const response = await agent.get('/analytics?campaign=an-test&from=&to=', en);
    expect(response.statusCode).toBe(200);
    expect(kpiValue(response.body, 'scans')).toBe('7');
  });
});
