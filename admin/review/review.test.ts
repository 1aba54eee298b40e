import { unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { createBatch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { codeSource, decisionCampaign, fixtureScan, newDeviceId, seedCampaignState, type FixtureCode } from '../../core/testing/decision-fixtures.js';
import { createAdminHarness, type AdminAgent, type AdminHarness } from '../testing/admin-harness.js';
import { decideAndRecord } from '../testing/held-scans.js';
import type { Role } from '../users/roles.js';
import { startExpirySweeper } from './expiry-sweeper.js';
import { reviewTexts } from './review-texts.js';
import { escapeHtml } from '../html.js';
import { banSubject, liftBan } from '../../core/bans/bans.js';

const hour = 3_600_000;
const hostileAgents = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

let h: AdminHarness;
let campaign: Campaign;
let nextCode: () => FixtureCode;
const users = {} as Record<Role, string>;

beforeAll(async () => {
  h = await createAdminHarness();
  // open since long before the console's clock, so holds can be days old
  const window = { ...decisionCampaign('rq').window, startsAt: new Date(h.now - 10 * 24 * hour).toISOString() };
  campaign = decisionCampaign('rq', { window, review: { expireAfterHours: 48 } });
  await applyCampaign(h.stack.pool, campaign, 'test');
  const batch = await createBatch(h.stack.pool, { campaignId: campaign.id, printedCount: 10_000, name: 'rq-sh', region: 'CN-SH' });
  await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaign.id, [batch.id]);
  nextCode = codeSource(batch.id);
  for (const role of ['admin', 'reviewer', 'viewer'] as const) users[role] = await h.user(role);
});

afterAll(() => h?.close());

async function signedIn(role: Role): Promise<AdminAgent> {
  const agent = h.agent();
  expect((await agent.login(users[role], h.password)).statusCode).toBe(303);
  return agent;
}

interface Held {
  readonly fixture: FixtureCode;
  readonly code: string;
  readonly scanId: string;
  readonly deviceId: string;
}

/** A scan held with the top prize reserved, decided `hoursAgo` before the console's clock, and in Postgres. */
async function holdScan(options: { hoursAgo?: number; userAgent?: string; deviceId?: string; ip?: string; reasonMask?: number; score?: number } = {}): Promise<Held> {
  const code = nextCode();
  const deviceId = options.deviceId ?? newDeviceId();
  const scan = fixtureScan(campaign, code, { deviceId, ip: options.ip ?? '203.0.113.10' }, { score: options.score ?? 60, reasonMask: options.reasonMask ?? 0 });
  const [decision] = await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [scan], h.now - (options.hoursAgo ?? 1) * hour, options.userAgent ?? null);
  expect(decision?.outcome).toBe(Outcome.Held);
  return { fixture: code, code: code.code, scanId: decision?.scanId as string, deviceId };
}

const settleForm = (held: Held, decision: 'approve' | 'reject', note = '') => ({ campaignId: campaign.id, code: held.code, scanId: held.scanId, decision, note, back: '/review' });
const heldCount = async () => Number((await h.stack.t.redis.hget(campaignKeys(h.stack.t.prefix, campaign.id).held, 'grand')) ?? 0);
/** The code's record in Redis says whether it was settled (rv). */
const settledAs = async (held: Held) => {
  const record = await h.stack.t.redis.hgetBuffer(campaignKeys(h.stack.t.prefix, campaign.id).codes, held.code);
  return record ? ((unpack(record) as { rv?: string }).rv ?? null) : null;
};
/** One valid form per POST route, each approving `held`. */
const everyPost = (held: Held): [string, Record<string, string>][] => [
  ['/review/settle', settleForm(held, 'approve')],
  ['/review/selected', { scan: `${campaign.id} ${held.code} ${held.scanId}`, decision: 'approve' }],
  ['/review/bulk', { csv: `${held.scanId},approve` }],
];
const scansOnPage = (body: string) => (body.match(/<li class="held"/g) ?? []).length;

describe('review queue: routes × roles', () => {
  it.each(['admin', 'reviewer', 'viewer'] as const)('%s reads the queue; only reviewers and admins may settle (viewers get 403, nothing changes)', async (role) => {
    const held = await holdScan();
    const agent = await signedIn(role);
    const page = await agent.get('/review');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(held.scanId);
    expect(page.body.includes('action="/review/settle"')).toBe(role !== 'viewer');
    await agent.get('/audit'); // a CSRF token even for the viewer, so the 403 is the role's
    const before = await heldCount();
    const answers = [
      await agent.post('/review/settle', settleForm(held, 'approve')),
      await agent.post('/review/selected', { scan: `${campaign.id} ${held.code} ${held.scanId}`, decision: 'reject' }),
      await agent.post('/review/bulk', { csv: `${held.scanId},reject` }),
    ];
    if (role === 'viewer') {
      expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 403]);
      expect(await heldCount()).toBe(before);
      expect(await settledAs(held)).toBeNull();
    } else {
      expect(answers.map((a) => a.statusCode)).toEqual([303, 200, 200]);
      expect(await settledAs(held)).toBe('approved');
      expect(await heldCount()).toBe(before - 1);
    }
  });

  it('sends a request without a session to the login page, and refuses its POSTs', async () => {
    const agent = h.agent();
    const page = await agent.get('/review');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Freview');
    const held = await holdScan();
    const posts = everyPost(held);
    for (const [url, form] of posts) expect((await agent.post(url, form)).statusCode, url).toBe(403);
    expect(await settledAs(held)).toBeNull();
  });
});

describe('review queue: CSRF', () => {
  it('refuses every POST without the token or with a wrong one (403), and settles nothing', async () => {
    const held = await holdScan();
    const agent = await signedIn('reviewer');
    await agent.get('/review');
    const token = agent.csrfToken as string;
    const posts = everyPost(held);
    for (const [url, form] of posts) {
      agent.csrfToken = undefined;
      expect((await agent.post(url, form)).statusCode, url).toBe(403);
      expect((await agent.post(url, { ...form, _csrf: 'forged-token' })).statusCode, url).toBe(403);
    }
    expect(await settledAs(held)).toBeNull();
    agent.csrfToken = token;
    expect((await agent.post('/review/settle', settleForm(held, 'approve'))).statusCode).toBe(303);
  });
});

describe('review queue: evidence', () => {
  it('shows the evidence: batch region, reasons in words, clone attempts, the device’s other scans and prizes, other devices on the address', async () => {
    const deviceId = newDeviceId();
    const ip = '198.51.100.23';
    const earlier = await holdScan({ deviceId, ip, hoursAgo: 5 });
    const held = await holdScan({ deviceId, ip, reasonMask: reasonBits.new_device_top_prize, hoursAgo: 2 });
    // a clone attempt: another device scans the held code
    const cloneDevice = newDeviceId();
    const [clone] = await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [fixtureScan(campaign, held.fixture, { deviceId: cloneDevice, ip })], h.now - hour);
    expect(clone?.outcome).toBe(Outcome.AlreadyRedeemed);
    const agent = await signedIn('reviewer');
    const page = (await agent.get('/review?reason=new_device_top_prize', { 'accept-language': 'en' })).body;
    expect(scansOnPage(page)).toBe(1);
    expect(page).toContain('shipped to CN-SH');
    expect(page).toContain(reviewTexts.en.reasonWords.new_device_top_prize);
    expect(page).toContain(`${escapeHtml(reviewTexts.en.codeHistory)} (2)`);
    expect(page).toContain('already_redeemed');
    expect(page).toContain(`${escapeHtml(reviewTexts.en.deviceScans)} (1)`);
    expect(page).toContain(earlier.code);
    expect(page).toContain(`${escapeHtml(reviewTexts.en.devicePrizes)} (1)`);
    expect(page).toContain(`${escapeHtml(reviewTexts.en.addressDevices)} (1)`);
    expect(page).toContain(cloneDevice);
    expect(page).toContain(ip);
  });

  it('masks devices and addresses for viewers, not for reviewers', async () => {
    const held = await holdScan({ ip: '198.51.100.77', score: 61 });
    const viewer = (await (await signedIn('viewer')).get('/review?minScore=61&maxScore=61')).body;
    expect(scansOnPage(viewer)).toBe(1);
    expect(viewer).toContain('198.51.100.0/24');
    expect(viewer).not.toContain('198.51.100.77');
    expect(viewer).toContain(`${held.deviceId.slice(0, 6)}…`);
    expect(viewer).not.toContain(held.deviceId);
    const reviewer = (await (await signedIn('reviewer')).get('/review?minScore=61&maxScore=61')).body;
    expect(reviewer).toContain('198.51.100.77');
    expect(reviewer).toContain(held.deviceId);
  });

  it('shows the bans in force that name the held scan’s device or network, masked for viewers; a lifted one no longer', async () => {
    const held = await holdScan({ ip: '198.51.100.90', score: 63 });
    const bans = { pool: h.stack.pool, redis: h.stack.t.redis, keyPrefix: h.stack.t.prefix, now: () => h.now };
    const onDevice = await banSubject(bans, { scope: campaign.id, kind: 'device', value: held.deviceId, reason: 'farm <b>ring</b>', expiresAt: h.now + 24 * hour, actor: 'alice' });
    await banSubject(bans, { scope: null, kind: 'network', value: '198.51.100.0/24', reason: 'enumeration', expiresAt: h.now + 24 * hour, actor: 'alice' });
    const reviewer = (await (await signedIn('reviewer')).get('/review?minScore=63&maxScore=63', { 'accept-language': 'en' })).body;
    expect(reviewer).toContain(`${escapeHtml(reviewTexts.en.bansInForce)} (2)`);
    expect(reviewer).toContain('farm &lt;b&gt;ring&lt;/b&gt;');
    const viewer = (await (await signedIn('viewer')).get('/review?minScore=63&maxScore=63', { 'accept-language': 'en' })).body;
    expect(viewer).toContain(`${escapeHtml(reviewTexts.en.bansInForce)} (2)`);
    expect(viewer).not.toContain(held.deviceId);
    await liftBan(bans, { id: onDevice.id, actor: 'alice' });
    expect((await (await signedIn('reviewer')).get('/review?minScore=63&maxScore=63', { 'accept-language': 'en' })).body).toContain(`${escapeHtml(reviewTexts.en.bansInForce)} (1)`);
  });

  it('renders a hostile User-Agent escaped', async () => {
    for (const userAgent of hostileAgents) await holdScan({ userAgent, score: 62 });
    const page = (await (await signedIn('reviewer')).get('/review?minScore=62&maxScore=62')).body;
    expect(scansOnPage(page)).toBe(2);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
  });
});

describe('review queue: filters', () => {
  it('filter by campaign, reason, tier, age and score; the backlog on top counts what the filter matches', async () => {
    await holdScan({ score: 70, hoursAgo: 30 });
    await holdScan({ score: 70, hoursAgo: 3 });
    const agent = await signedIn('reviewer');
    const count = async (query: string) => {
      const page = await agent.get(`/review?${query}`, { 'accept-language': 'en' });
      expect(page.statusCode, query).toBe(200);
      return scansOnPage(page.body);
    };
    expect(await count('minScore=70&maxScore=70')).toBe(2);
    expect(await count('minScore=70&maxScore=70&minAgeHours=24')).toBe(1);
    expect(await count(`minScore=70&campaign=${campaign.id}&tier=grand`)).toBe(2);
    expect(await count('minScore=70&tier=points')).toBe(0);
    expect(await count('minScore=70&campaign=demo')).toBe(0);
    expect(await count('minScore=70&reason=clone')).toBe(0);
    expect(await count('campaign=&reason=&tier=&minAgeHours=&minScore=70&maxScore=')).toBe(2);
    expect((await agent.get('/review?minScore=70&maxScore=70', { 'accept-language': 'en' })).body).toMatch(/2 held scans waiting; the oldest has waited 30 h 0 min/);
  });

  it('treats SQL in every filter as text or refuses it with 400; nothing is dropped', async () => {
    const agent = await signedIn('reviewer');
    const before = scansOnPage((await agent.get('/review')).body);
    expect(before).toBeGreaterThan(0);
    for (const attack of ["' OR '1'='1", "x'; DROP TABLE redemptions; --", '1 OR 1=1', "') OR true --"]) {
      const q = encodeURIComponent(attack);
      const tier = await agent.get(`/review?tier=${q}`);
      expect(tier.statusCode).toBe(200);
      expect(scansOnPage(tier.body)).toBe(0);
      for (const field of ['campaign', 'reason', 'minAgeHours', 'minScore', 'maxScore', 'afterCampaign'])
        expect((await agent.get(`/review?${field}=${q}`)).statusCode, field).toBe(400);
      expect((await agent.get(`/review?afterAt=1&afterCampaign=rq&afterCode=${q}`)).statusCode).toBe(200);
    }
    expect(scansOnPage((await agent.get('/review')).body)).toBe(before);
  });
});

describe('review queue: settling', () => {
  it('settling twice (either way, another reviewer) is a clear 409 and changes nothing', async () => {
    const held = await holdScan();
    const alice = await signedIn('reviewer');
    await alice.get('/review');
    expect((await alice.post('/review/settle', settleForm(held, 'approve', 'receipt checked'))).statusCode).toBe(303);
    const before = await heldCount();
    const events = await h.stack.t.redis.xlen(campaignKeys(h.stack.t.prefix, campaign.id).events);
    const bob = await signedIn('admin');
    await bob.get('/review');
    for (const [agent, decision] of [[alice, 'approve'], [bob, 'reject']] as const) {
      const again = await agent.post('/review/settle', settleForm(held, decision));
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain(reviewTexts['zh-CN'].refusals.GW_ERR_ALREADY_SETTLED);
    }
    expect(await settledAs(held)).toBe('approved');
    expect(await heldCount()).toBe(before);
    expect(await h.stack.t.redis.xlen(campaignKeys(h.stack.t.prefix, campaign.id).events)).toBe(events);
  });

  it('a campaign whose state is being rebuilt answers 503 and keeps its hold', async () => {
    const held = await holdScan();
    const agent = await signedIn('reviewer');
    await agent.get('/review');
    const epoch = campaignKeys(h.stack.t.prefix, campaign.id).epoch;
    const saved = await h.stack.t.redis.get(epoch);
    await h.stack.t.redis.del(epoch);
    try {
      const response = await agent.post('/review/settle', settleForm(held, 'approve'));
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain(reviewTexts['zh-CN'].refusals.GW_ERR_CAMPAIGN_RECOVERING);
      expect(await settledAs(held)).toBeNull();
    } finally {
      await h.stack.t.redis.set(epoch, saved as string);
    }
  });

  it('settles the selected scans and reports each', async () => {
    const [a, b] = [await holdScan(), await holdScan()];
    const agent = await signedIn('reviewer');
    await agent.get('/review');
    const settled = await agent.post('/review/settle', settleForm(b, 'approve'));
    expect(settled.statusCode).toBe(303);
    await agent.get('/review');
    const response = await h.app.inject({
      method: 'POST',
      url: '/review/selected',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'en' },
      payload: `_csrf=${encodeURIComponent(agent.csrfToken as string)}&decision=reject&note=dup&scan=${encodeURIComponent(`${campaign.id} ${a.code} ${a.scanId}`)}&scan=${encodeURIComponent(`${campaign.id} ${b.code} ${b.scanId}`)}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(new RegExp(`<tr class="status-settled"><td>1</td><td><code>${a.scanId}</code>`));
    expect(response.body).toMatch(new RegExp(`<tr class="status-already_settled"><td>2</td><td><code>${b.scanId}</code>`));
    expect(await settledAs(a)).toBe('rejected');
  });

  it('bulk CSV: every line reported (settled, already settled, not found, invalid)', async () => {
    const [a, b, c] = [await holdScan(), await holdScan(), await holdScan()];
    const agent = await signedIn('admin');
    await agent.get('/review');
    await agent.post('/review/settle', settleForm(c, 'approve'));
    await agent.get('/review');
    const csv = ['scanId,decision,note', `${a.scanId},reject,"fraud ring, see ticket 12"`, `${b.scanId},approve`, `${c.scanId},reject`, '99-0,reject', `${a.scanId},maybe`].join('\n');
    const response = await agent.post('/review/bulk', { csv, campaign: campaign.id });
    expect(response.statusCode).toBe(200);
    const rows = [...response.body.matchAll(/<tr class="status-([a-z_]+)"><td>(\d+)<\/td>/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(rows).toEqual(['2:settled', '3:settled', '4:already_settled', '5:not_found', '6:invalid']);
    expect(await settledAs(a)).toBe('rejected');
    expect(await settledAs(b)).toBe('approved');
    expect((await agent.post('/review/bulk', { csv: 'x'.repeat(10) })).statusCode).toBe(200);
  });
});

describe('review queue: expiry', () => {
  it('the sweeper rejects holds older than the campaign’s expireAfterHours as system, on its schedule, and stops', async () => {
    const old = await holdScan({ hoursAgo: 49 });
    const fresh = await holdScan({ hoursAgo: 47 });
    let tick: (() => void) | undefined;
    let cancelled = false;
    const sweeper = startExpirySweeper(
      { redis: h.stack.t.redis, pool: h.stack.pool, keyPrefix: h.stack.t.prefix, clock: () => h.now },
      {
        everyMs: 5 * 60_000,
        schedule: (run) => {
          tick = run;
          return () => (cancelled = true);
        },
      },
    );
    tick?.();
    const report = await sweeper.sweep();
    expect(report?.settled).toBeGreaterThanOrEqual(1);
    expect(await settledAs(old)).toBe('rejected');
    expect(await settledAs(fresh)).toBeNull();
    const events = await h.stack.t.redis.xrange(campaignKeys(h.stack.t.prefix, campaign.id).events, '-', '+');
    expect(events.some(([, fields]) => fields.join(' ').includes('system'))).toBe(true);
    await sweeper.stop();
    expect(cancelled).toBe(true);
    expect(await sweeper.sweep()).toBeNull();
  });
});
