import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { banField } from '../../core/bans/ban-subjects.js';
import { repoPath } from '../../core/paths.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonsFromMask } from '../../core/scan/reasons.js';
import { decideScans, fixtureScan, newDeviceId, seedCampaignState } from '../../core/testing/decision-fixtures.js';
import { createAdminHarness, type AdminAgent, type AdminHarness } from '../testing/admin-harness.js';
import type { Role } from '../users/roles.js';

let h: AdminHarness;
const users = {} as Record<Role, string>;
const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));

beforeAll(async () => {
  h = await createAdminHarness();
  for (const role of ['admin', 'reviewer', 'viewer'] as const) users[role] = await h.user(role);
});

afterAll(() => h?.close());

async function signedIn(role: Role): Promise<AdminAgent> {
  const agent = h.agent();
  expect((await agent.login(users[role], h.password)).statusCode).toBe(303);
  return agent;
}

const banForm = (value: string, more: Record<string, string> = {}) => ({ kind: 'device', value, scope: '', reason: 'phone farm', expires: '7d', ...more });
const banCount = async () => (await h.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bans')).rows[0]?.n;
const banIdOf = async (value: string) => (await h.stack.pool.query<{ id: string }>('SELECT id FROM bans WHERE value = $1', [value])).rows[0]?.id as string;
const bansKey = () => campaignKeys(h.stack.t.prefix, campaign.id).bans;
const rowsShown = (body: string) => (body.match(/<tr><td>\d+<\/td>/g) ?? []).length;

describe('bans × roles', () => {
  it.each(['admin', 'reviewer', 'viewer'] as const)('%s lists bans; only reviewers and admins ban and lift', async (role) => {
    const agent = await signedIn(role);
    const page = await agent.get('/bans');
    expect(page.statusCode).toBe(200);
    expect(page.body.includes('method="post" action="/bans"')).toBe(role !== 'viewer');
    const device = newDeviceId();
    const created = await agent.post('/bans', banForm(device));
    expect(created.statusCode, `${role} POST /bans`).toBe(role === 'viewer' ? 403 : 303);
    if (role === 'viewer') {
      expect(await banIdOf(device)).toBeUndefined();
      const reviewer = await signedIn('reviewer');
      await reviewer.get('/bans');
      await reviewer.post('/bans', banForm(device));
    }
    await agent.get('/bans');
    const lifted = await agent.post(`/bans/${await banIdOf(device)}/lift`);
    expect(lifted.statusCode, `${role} POST lift`).toBe(role === 'viewer' ? 403 : 303);
  });

  it('sends a request without a session to the login page', async () => {
    const response = await h.agent().get('/bans');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fbans');
  });
});

describe('banning through the console', () => {
  it('bans a device everywhere: Postgres, the audit log and the Redis mirror agree, and its next scan is blocked (banned); lifting lets it scan', async () => {
    const agent = await signedIn('reviewer');
    await agent.get('/bans');
    const device = newDeviceId();
    expect((await agent.post('/bans', banForm(device))).statusCode).toBe(303);
    const id = await banIdOf(device);
    const { rows } = await h.stack.pool.query('SELECT actor, action FROM audit_log WHERE subject = $1', [`ban:${id}`]);
    expect(rows).toEqual([{ actor: users.reviewer, action: 'ban.create' }]);
    expect(Number(await h.stack.t.redis.hget(bansKey(), banField('device', device)))).toBe(h.now + 7 * 86_400_000);

    await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaign.id, [h.batch.id]);
    const scan = (serial: number) =>
      decideScans(h.stack.t.redis, h.stack.t.prefix, campaign, [fixtureScan(campaign, { code: h.signer.sign(h.batch.id, serial), batchId: h.batch.id, serial }, { deviceId: device, receivedAt: h.now })], h.now);
    const [blocked] = await scan(1);
    expect(blocked?.outcome).toBe(Outcome.Blocked);
    expect(reasonsFromMask(blocked?.reasonMask ?? 0)).toEqual(['banned']);

    const page = await agent.get('/bans');
    expect(page.body).toContain(device);
    expect((await agent.post(`/bans/${id}/lift`)).statusCode).toBe(303);
    expect(await h.stack.t.redis.hget(bansKey(), banField('device', device))).toBeNull();
    const [after] = await scan(2);
    expect(after?.outcome).not.toBe(Outcome.Blocked);
    // lifting twice: core says no such ban in force
    await agent.get('/bans');
    expect((await agent.post(`/bans/${id}/lift`)).statusCode).toBe(404);
  });

  it('bans an address in one campaign and a network with a date as expiry', async () => {
    const agent = await signedIn('admin');
    await agent.get('/bans');
    expect((await agent.post('/bans', banForm('198.51.100.23', { kind: 'address', scope: campaign.id }))).statusCode).toBe(303);
    expect((await agent.post('/bans', banForm('198.51.100.7/24', { kind: 'network', expires: '2026-04-01 18:00' }))).statusCode).toBe(303);
    const { rows } = await h.stack.pool.query<{ campaign_id: string | null; value: string; expires_at: Date }>(
      `SELECT campaign_id, value, expires_at FROM bans WHERE kind IN ('address', 'network') ORDER BY id`,
    );
    expect(rows.map((r) => [r.campaign_id, r.value])).toEqual([
      [campaign.id, '198.51.100.23'],
      [null, '198.51.100.0/24'],
    ]);
    expect(rows[1]?.expires_at.toISOString()).toBe('2026-04-01T18:00:00.000Z');
  });

  it('shows what core refuses as a message on the re-rendered form (400), keeping what was typed', async () => {
    const agent = await signedIn('reviewer');
    await agent.get('/bans');
    const before = await banCount();
    const cases: Record<string, string>[] = [
      banForm('not-a-device'),
      banForm('198.51.100.0/16', { kind: 'network' }),
      banForm(newDeviceId(), { expires: '2020-01-01' }),
      banForm(newDeviceId(), { scope: 'no-such-campaign' }),
      banForm(newDeviceId(), { reason: '   ' }),
    ];
    for (const form of cases) {
      const response = await agent.post('/bans', form);
      expect(response.statusCode, JSON.stringify(form)).toBe(400);
      expect(response.body).toMatch(/class="error" role="alert"/);
      expect(response.body).toContain(`value="${form.value}"`);
    }
    // shapes the schema refuses
    expect((await agent.post('/bans', banForm(newDeviceId(), { expires: 'tomorrow' }))).statusCode).toBe(400);
    expect((await agent.post('/bans', banForm(newDeviceId(), { kind: 'user' }))).statusCode).toBe(400);
    expect((await agent.post('/bans', { ...banForm(newDeviceId()), extra: '1' })).statusCode).toBe(400);
    expect((await agent.post('/bans/abc/lift')).statusCode).toBe(400);
    expect(await banCount()).toBe(before);
  });
});

describe('bans page safety', () => {
  it('refuses a ban or a lift without the session CSRF token (403) and changes nothing', async () => {
    const agent = await signedIn('admin');
    await agent.get('/bans');
    const token = agent.csrfToken;
    const before = await banCount();
    agent.csrfToken = undefined;
    expect((await agent.post('/bans', banForm(newDeviceId()))).statusCode).toBe(403);
    expect((await agent.post('/bans', { ...banForm(newDeviceId()), _csrf: 'forged' })).statusCode).toBe(403);
    agent.csrfToken = token;
    await agent.post('/bans', banForm(newDeviceId()));
    const id = (await h.stack.pool.query<{ id: string }>('SELECT max(id) AS id FROM bans')).rows[0]?.id as string;
    agent.csrfToken = undefined;
    expect((await agent.post(`/bans/${id}/lift`)).statusCode).toBe(403);
    const { rows } = await h.stack.pool.query<{ lifted_at: Date | null }>('SELECT lifted_at FROM bans WHERE id = $1', [id]);
    expect(rows[0]?.lifted_at).toBeNull();
    expect(await banCount()).toBe((before ?? 0) + 1);
  });

  it('escapes a reason that carries markup', async () => {
    const agent = await signedIn('reviewer');
    await agent.get('/bans');
    await agent.post('/bans', banForm(newDeviceId(), { reason: '<script>alert(1)</script><img src=x onerror=alert(2)>' }));
    const page = await agent.get('/bans');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.body).not.toMatch(/<script>alert|<img src=x/);
  });

  it('masks subjects for viewers (device shortened, address to its /24), not for reviewers', async () => {
    const device = newDeviceId();
    const reviewer = await signedIn('reviewer');
    await reviewer.get('/bans');
    await reviewer.post('/bans', banForm(device));
    await reviewer.post('/bans', banForm('203.0.113.77', { kind: 'address' }));
    expect((await reviewer.get('/bans')).body).toContain(device);
    const viewer = (await (await signedIn('viewer')).get('/bans')).body;
    expect(viewer).not.toContain(device);
    expect(viewer).toContain(`${device.slice(0, 6)}…`);
    expect(viewer).not.toContain('203.0.113.77');
    expect(viewer).toContain('203.0.113.0/24');
    // the audit log's ban rows too
    const audit = (await (await signedIn('viewer')).get('/audit?action=ban.create')).body;
    expect(audit).toContain('ban:');
    expect(audit).not.toContain(device);
    expect(audit).not.toContain('203.0.113.77');
  });

  it('filters by campaign, kind, subject and state; SQL in a filter is only text', async () => {
    const agent = await signedIn('admin');
    const rows = async (query: string, status = 200) => {
      const page = await agent.get(`/bans?${query}`);
      expect(page.statusCode, query).toBe(status);
      return rowsShown(page.body);
    };
    const all = await rows('inForce=0');
    // a campaign's list holds its own bans and the everywhere ones
    const everywhere = await rows('campaign=no-such-campaign&inForce=0');
    expect(all).toBeGreaterThan(await rows(''));
    expect(await rows('kind=address')).toBeGreaterThan(0);
    expect(await rows('kind=address&value=198.51.100.23')).toBe(1);
    expect(await rows(`campaign=${campaign.id}&kind=address&value=198.51.100.23`)).toBe(1);
    expect(await rows('campaign=other&kind=address&value=198.51.100.23')).toBe(0);
    for (const attack of ["' OR '1'='1", "x'; DELETE FROM bans; --", '%', "') OR true --"]) {
      const q = encodeURIComponent(attack);
      expect(await rows(`campaign=${q}&inForce=0`)).toBe(everywhere);
      expect(await rows(`kind=device&value=${q}`, 400)).toBe(0);
      expect(await rows(`kind=${q}`, 400)).toBe(0);
      expect(await rows(`inForce=${q}`, 400)).toBe(0);
    }
    // a subject without its kind is a question core cannot answer: the page says so
    expect((await agent.get('/bans?value=198.51.100.23')).body).toMatch(/class="error" role="alert"/);
    expect(await rows('inForce=0')).toBe(all);
  });
});
