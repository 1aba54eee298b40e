import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { phoneAgent, postScan, scanJson } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

const day = 24 * 3600 * 1000;
const desktopAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const grandPrize = { tier: 'grand', kind: 'cash', value: 888, unit: 'CNY' };
const streamId = /^\d+-\d+$/;

let harness: GatewayHarness;
let gateway: RunningGateway;
let base: string;
const batches: Record<'live' | 'inactive' | 'noPrize' | 'future' | 'past' | 'limited' | 'review', TestBatch> = {} as never;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batches.live = await harness.addBatch(testCampaign('live'), { count: 300, honeypots: 2 });
  batches.inactive = await harness.addBatch(testCampaign('live'), { count: 5, active: false });
  batches.noPrize = await harness.addBatch(testCampaign('no-prize', { tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 10, weight: 0 }], noPrizeWeight: 1 }));
  const window = (from: number, to: number) => ({ startsAt: new Date(from).toISOString(), endsAt: new Date(to).toISOString(), timeZone: 'Asia/Shanghai' });
  batches.future = await harness.addBatch(testCampaign('future', { window: window(Date.now() + day, Date.now() + 2 * day) }));
  batches.past = await harness.addBatch(testCampaign('past', { window: window(Date.now() - 2 * day, Date.now() - day) }));
  batches.limited = await harness.addBatch(testCampaign('limited', { limits: { perConsumerPerDay: 1, perConsumerPerCampaign: 5 } }));
  batches.review = await harness.addBatch(testCampaign('review', { fraud: { holdAt: 15, blockAt: 90, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000 } }));
  gateway = await harness.startGateway();
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(() => harness.close());

describe('scan outcomes over JSON', () => {
  it('a fresh code wins, sets the device cookie, and a re-scan by that device replays the same answer', async () => {
    const code = batches.live.fresh();
    const first = await scanJson(base, code);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: 'won', prize: grandPrize, scanId: expect.stringMatching(streamId), replay: false });
    expect(first.headers.get('set-cookie')).toMatch(/^sgd=[\w-]{22}\.[\w-]{22}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');

    const again = await scanJson(base, code, { cookie: first.cookie, path: 'S' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'won', prize: grandPrize, scanId: first.body.scanId, replay: true });
    expect(new Date(again.body.firstScannedAt ?? '').toISOString()).toBe(again.body.firstScannedAt);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('another device scanning a used code gets already_redeemed with the first scan time and no prize', async () => {
    const code = batches.live.fresh();
    await scanJson(base, code);
    const other = await scanJson(base, code);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ outcome: 'already_redeemed', prize: null, replay: false });
    expect(Date.parse(other.body.firstScannedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(other.body.reasons).toBeUndefined();
  });

  it('answers no_prize, not_activated, campaign_not_started and campaign_ended', async () => {
    const cases = [
      [batches.noPrize, 'no_prize'],
      [batches.inactive, 'not_activated'],
      [batches.future, 'campaign_not_started'],
      [batches.past, 'campaign_ended'],
    ] as const;
    for (const [batch, outcome] of cases) {
      const reply = await scanJson(base, batch.fresh());
      expect(reply.status, outcome).toBe(200);
      expect(reply.body, outcome).toMatchObject({ outcome, prize: null, scanId: expect.stringMatching(streamId), replay: false });
    }
  });

  it('stops a device at its daily limit without using the code', async () => {
    const first = await scanJson(base, batches.limited.fresh());
    expect(first.body.outcome).toBe('won');
    const second = await scanJson(base, batches.limited.fresh(), { cookie: first.cookie });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: 'limit_reached', prize: null });
  });

  it('holds a suspicious scan with its reasons and reserved prize, and blocks a honeypot', async () => {
    const held = await scanJson(base, batches.review.fresh(), { userAgent: desktopAgent });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ outcome: 'held', prize: grandPrize, replay: false });
    expect(held.body.reasons).toContain('non_mobile_agent');

    const blocked = await scanJson(base, batches.live.honeypots[0] ?? '');
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ outcome: 'blocked', prize: null });
    expect(blocked.body.reasons).toContain('honeypot');
  });

  it('answers a forged code 404 invalid with an inv- reference, without a cookie', async () => {
    const code = batches.live.fresh();
    const forged = `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    const reply = await scanJson(base, forged);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ outcome: 'invalid', prize: null, scanId: expect.stringMatching(/^inv-[0-9a-f]{16}$/), replay: false });
    expect(reply.headers.get('set-cookie')).toBeNull();
  });

  it('answers a signed code whose serial its batch never had 404 invalid, before Redis, and counts it', async () => {
    const keys = campaignKeys(harness.redis.prefix, 'live');
    const eventsBefore = await harness.redis.redis.xlen(keys.events);
    const outOfRange = [batches.live.sign(batches.live.serialLast + 1), batches.live.sign(batches.live.serialLast + 1000)];
    for (const code of outOfRange) {
      const reply = await scanJson(base, code);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ outcome: 'invalid', prize: null, scanId: expect.stringMatching(/^inv-[0-9a-f]{16}$/), replay: false });
      expect(reply.headers.get('set-cookie')).toBeNull();
      expect(await harness.redis.redis.hexists(keys.codes, code)).toBe(0);
    }
    expect(await harness.redis.redis.xlen(keys.events)).toBe(eventsBefore);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/^scangate_out_of_range_codes_total\{campaign="live"\} 2$/m);
    // the last minted serial is still a code of the batch
    expect((await scanJson(base, batches.live.sign(batches.live.serialLast))).status).toBe(200);
  });

  it('takes POST /v1/scans with a location, and answers a lower-case code the same', async () => {
    const reply = await postScan(base, { code: batches.live.fresh().toLowerCase(), lat: 31.23, lon: 121.47 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ outcome: 'won', prize: grandPrize });
  });

  it('serves a campaign and batch minted after the gateway started', async () => {
    const late = await harness.addBatch(testCampaign('late'));
    const reply = await scanJson(base, late.fresh());
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ outcome: 'won', prize: grandPrize });
  });

  it('200 devices scanning one code at once: exactly one wins, 199 are told it was redeemed', async () => {
    const code = batches.live.fresh();
    const replies = await Promise.all(Array.from({ length: 200 }, () => scanJson(base, code)));
    const outcomes = replies.map((reply) => reply.body.outcome);
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(outcomes.filter((outcome) => outcome === 'won')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already_redeemed')).toHaveLength(199);
    expect(new Set(replies.map((reply) => reply.cookie)).size).toBe(200);
  });

  it('a tier of 10 and 1,000 fresh codes at once, all drawing it: exactly 10 win it, the rest fall back to the next tier', async () => {
    const scarce = await harness.addBatch(
      testCampaign('scarce', {
        tiers: [
          { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 10, weight: 1 },
          { id: 'coupon', kind: 'coupon', value: 5, unit: 'CNY', inventory: 100_000, weight: 0 },
        ],
      }),
      { count: 1000 },
    );
    const replies = await Promise.all(Array.from({ length: 1000 }, () => scanJson(base, scarce.fresh())));
    expect(replies.every((reply) => reply.status === 200 && reply.body.outcome === 'won')).toBe(true);
    expect(replies.filter((reply) => reply.body.prize?.tier === 'grand')).toHaveLength(10);
    expect(replies.filter((reply) => reply.body.prize?.tier === 'coupon')).toHaveLength(990);
  });

  it('a consumer limited to 3 codes sending 50 fresh codes at once: exactly 3 redeemed, 47 limit_reached', async () => {
    const three = await harness.addBatch(testCampaign('three-each', { limits: { perConsumerPerDay: 100, perConsumerPerCampaign: 3 } }), { count: 50 });
    // the device's cookie, from a scan of another campaign
    const { cookie } = await scanJson(base, batches.live.fresh());
    const replies = await Promise.all(Array.from({ length: 50 }, () => scanJson(base, three.fresh(), { cookie })));
    const outcomes = replies.map((reply) => reply.body.outcome);
    expect(outcomes.filter((outcome) => outcome === 'won')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === 'limit_reached')).toHaveLength(47);
  });
});

describe('scan page', () => {
  const page = (code: string, language: string, cookie?: string) =>
    fetch(`${base}/S/${code}`, { headers: { accept: 'text/html,*/*;q=0.8', 'accept-language': language, 'user-agent': phoneAgent, ...(cookie ? { cookie } : {}) } });

  it('renders each outcome as a small self-contained page, in Chinese by default and English on request', async () => {
    const used = batches.live.fresh();
    const winner = await page(used, 'en');
    expect(winner.status).toBe(200);
    expect(winner.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(winner.headers.get('content-security-policy')).toContain("default-src 'none'");
    const winnerCookie = winner.headers.get('set-cookie')?.split(';')[0];
    const cases: [Response, number, RegExp][] = [
      [winner, 200, /You won!.*CN¥888.*Show this page at a partner store/s],
      [await page(used, 'en', winnerCookie), 200, /You won!.*scanned this code before/s],
      [await page(used, 'en'), 200, /already used.*counterfeit/s],
      [await page(used, 'zh-CN,zh;q=0.9'), 200, /此码已被使用.*假冒/s],
      [await page('NOT-A-REAL-CODE', ''), 404, /此码不是正品码/],
      [await page(batches.noPrize.fresh(), 'en'), 200, /Thanks for taking part/],
      [await page(batches.inactive.fresh(), 'en'), 200, /not active yet/],
      [await page(batches.future.fresh(), 'en'), 200, /has not started/],
      [await page(batches.past.fresh(), 'en'), 200, /has ended/],
      [await page(batches.live.honeypots[1] ?? '', 'en'), 200, /could not accept this scan/],
    ];
    for (const [response, status, text] of cases) {
      const html = await response.text();
      expect(response.status, html).toBe(status);
      expect(html, String(text)).toMatch(text);
      expect(Buffer.byteLength(html)).toBeLessThanOrEqual(10 * 1024);
    }
  });
});

describe('health and metrics', () => {
  it('is live and ready, and keeps metrics off the public port', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: true, scripts: true, campaigns: true, ingestBacklog: true } });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);

    const metrics = await (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/^scangate_scans_total\{outcome="won"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^scangate_forged_codes_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^scangate_scan_seconds_count\{outcome="already_redeemed"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^scangate_assess_batch_size_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^scangate_redis_script_seconds_count [1-9]\d*$/m);
  });
});
