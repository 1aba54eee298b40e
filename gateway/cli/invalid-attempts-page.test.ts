import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminApp } from '../../admin/app.js';
import { createAgent, type AdminAgent } from '../../admin/testing/admin-harness.js';
import { addUser } from '../../admin/users/user-store.js';
import type { Role } from '../../admin/users/roles.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { eventually } from '../../core/testing/bounded.js';
import type { RunningGateway } from '../main.js';
import { UNATTRIBUTED } from '../http/enumeration-alarm.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';

/**
 * Invalid-code attempts from end to end: forged codes sent to a real gateway, tallied there,
 * flushed to Redis, read by the console (the CLI is the one place that wires both apps, so this
 * test lives beside it).
 */

const password = `pw-${randomBytes(9).toString('base64url')}`;
const en = { 'accept-language': 'en' };
const users = {} as Record<Role, string>;

let h: GatewayHarness;
let gateway: RunningGateway;
let base: string;
let admin: FastifyInstance;
let a: TestBatch;
let b: TestBatch;

beforeAll(async () => {
  h = await createGatewayHarness();
  a = await h.addBatch(testCampaign('ia-page-a'), { count: 20 });
  b = await h.addBatch(testCampaign('ia-page-b'), { count: 20 });
  // three forged codes per host, then 429: those are invalid-code attempts too
  gateway = await h.startGateway({ gateway: { ...h.config.gateway, forgedPerIpLimit: 3 } });
  base = `http://127.0.0.1:${gateway.port}`;
  admin = await buildAdminApp({
    pool: h.pool,
    redis: { client: h.redis.redis, prefix: h.redis.prefix },
    clock: () => Date.now(),
    verifier: createCodeVerifier(h.secrets),
    url: 'http://127.0.0.1:8081',
    sessionKey: randomBytes(32),
  });
  for (const role of ['admin', 'reviewer', 'viewer'] as const) {
    users[role] = `${role}-ia`;
    await addUser(h.pool, users[role], role, password, 'test');
  }
});

afterAll(async () => {
  await admin?.close();
  await h?.close();
});

/** A well-formed code of the batch with a wrong signature: forged, but it names its campaign. */
const forged = (batch: TestBatch) => {
  const code = batch.fresh();
  return `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
};

async function signedIn(role: Role): Promise<AdminAgent> {
  const agent = createAgent(admin, '127.0.0.1');
  expect((await agent.login(users[role], password)).statusCode).toBe(303);
  return agent;
}

const cardValue = (body: string) => /data-kpi="invalidAttempts">\s*<div class="kpi-label">[^<]*<\/div>\s*<div class="kpi-value">([^<]*)</.exec(body)?.[1];

async function shown(agent: AdminAgent, campaignId: string): Promise<string | undefined> {
  const page = await agent.get(`/analytics?campaign=${campaignId}`, en);
  expect(page.statusCode).toBe(200);
  return cardValue(page.body);
}

describe('invalid-code attempts on the analytics page', () => {
  it('shows the forged codes a real gateway answered, per campaign, within a flush, and the rest after the gateway stops', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await scanJson(base, forged(a))).status);
    for (let i = 0; i < 2; i++) statuses.push((await scanJson(base, forged(b))).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429, 429]);
    // garbled: names no batch, so no campaign counts it
    expect((await scanJson(base, 'NOT-A-CODE')).status).toBe(429);
    // genuine codes are not invalid-code attempts
    expect((await scanJson(base, a.fresh())).status).toBe(200);

    const viewer = await signedIn('viewer');
    // the gateway flushes every 5 s on its own
    expect(await eventually(async () => (await shown(viewer, 'ia-page-a')) === '4', 15_000)).toBe(true);
    expect(await shown(viewer, 'ia-page-b')).toBe('2');

    for (let i = 0; i < 3; i++) await scanJson(base, forged(a));
    await gateway.stop();
    // stopping flushed what the timer had not
    for (const role of ['viewer', 'reviewer', 'admin'] as const) expect(await shown(await signedIn(role), 'ia-page-a'), role).toBe('7');
    const live = (await viewer.get('/analytics/csv/live?campaign=ia-page-a', en)).body;
    expect(live).toMatch(/\r\n"Invalid-code attempts \(gateway counters, not in Postgres; last \d+ days\)",,7,\r\n/);
    expect(await h.redis.redis.exists(campaignKeys(h.redis.prefix, UNATTRIBUTED).invalidAttempts)).toBe(0);
  });
});
