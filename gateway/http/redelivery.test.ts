import net from 'node:net';
import type { Redis } from 'ioredis';
import { Unpackr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { startPrivateRedis, type PrivateRedis } from '../../core/testing/private-redis.js';
import { phoneAgent, scanJson } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

/**
 * A phone whose connection drops after its scan was decided gets the answer and its device back
 * when it retries from the same network. The gateway's Redis is private, so the test can pause
 * its writes (CLIENT PAUSE WRITE) while the scan sits in the decision script call: the client
 * then hangs up (FIN, RST, or a pipelined request) before the answer exists, whatever the load.
 */

const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });
const campaignId = 'redeliver';

let server: PrivateRedis;
let redis: Redis;
let harness: GatewayHarness;
let gateway: RunningGateway;
let base: string;
let batch: TestBatch;

beforeAll(async () => {
  server = await startPrivateRedis({ aof: false });
  redis = createRedisClient(server.url, { maxRetriesPerRequest: 1 });
  harness = await createGatewayHarness({ redisUrl: server.url, ingest: { enabled: true } });
  batch = await harness.addBatch(testCampaign(campaignId), { count: 20 });
  // trustProxy: a retry "from another /24" is told so by X-Forwarded-For; without it the socket's address counts.
  gateway = await harness.startGateway({ gateway: { trustProxy: true } });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await redis.call('CLIENT', 'UNPAUSE');
  await harness.close();
  redis.disconnect();
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (no timing assertion: the test's timeout bounds it). */
async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
  expect(await check(), what).toBe(true);
}

const metricsText = async () => (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text();
const metricIs = (name: string, value: number) => async () => new RegExp(`^${name} ${value}$`, 'm').test(await metricsText());

async function codeRecord(code: string): Promise<Record<string, unknown> | undefined> {
  const packed = await redis.hgetBuffer(campaignKeys(harness.redis.prefix, campaignId).codes, code);
  return packed ? (unpackr.unpack(packed) as Record<string, unknown>) : undefined;
}

/**
 * Sends a cookieless scan of `code` from 127.0.0.1 and hangs up with `hangUp` while the decision
 * script call is held; resolves once the lost answer is marked, with what the socket received.
 */
async function loseAnswer(code: string, hangUp: (socket: net.Socket) => void): Promise<string> {
  await redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
  const socket = net.connect(gateway.port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.write(`GET /s/${code} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nUser-Agent: ${phoneAgent}\r\n\r\n`);
  await waitUntil('the scan is inside a decision script call', metricIs('scangate_decision_queue_depth', 1));
  hangUp(socket);
  await waitUntil('the gateway saw the client leave', metricIs('scangate_http_requests_in_flight', 0));
  await redis.call('CLIENT', 'UNPAUSE');
  await waitUntil('the lost answer is marked', async () => (await codeRecord(code))?.ux !== undefined);
  await closed;
  return received;
}

const hangUps: [string, (socket: net.Socket) => void][] = [
  ['FIN', (socket) => socket.end()],
  ['RST', (socket) => socket.resetAndDestroy()],
  ['a pipelined second request', (socket) => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')],
];

describe('an answer lost to a dropped connection', () => {
  let lost = 0;

  it.each(hangUps)('after %s: redelivered to the same address as the original device, already_redeemed from another /24', async (_name, hangUp) => {
    const code = batch.fresh();
    expect(await loseAnswer(code, hangUp)).toBe('');
    lost++;
    expect(await metricIs('scangate_answers_undelivered_total', lost)()).toBe(true);
    const originalDevice = (await codeRecord(code))?.d as string;

    const elsewhere = await fetch(`${base}/s/${code}`, { headers: { accept: 'application/json', 'user-agent': phoneAgent, 'x-forwarded-for': '10.20.30.40' } });
    expect(await elsewhere.json()).toMatchObject({ outcome: 'already_redeemed', prize: null, replay: false });
    expect(elsewhere.headers.get('set-cookie') ?? '').not.toContain(originalDevice);

    const retry = await scanJson(base, code);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ outcome: 'won', prize: { tier: 'grand', kind: 'cash', value: 888 }, replay: true });
    expect(retry.cookie).toMatch(new RegExp(`^sgd=${originalDevice}\\.`));
    expect(await metricIs('scangate_answers_redelivered_total', lost)()).toBe(true);

    // the phone is that device again: its next scan is a plain replay, and the mark is spent
    const again = await scanJson(base, code, { cookie: retry.cookie });
    expect(again.body).toMatchObject({ outcome: 'won', replay: true, scanId: retry.body.scanId });
    expect(again.cookie).toBeUndefined();
    expect((await scanJson(base, code)).body).toMatchObject({ outcome: 'already_redeemed' });
  });

  it('shows the redeliveries in Postgres, each as a replay to the original device', async () => {
    await waitUntil('the ingest wrote the redeliveries', async () => {
      const { rows } = await harness.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scan_events WHERE campaign_id = $1 AND redelivered', [campaignId]);
      return rows[0]?.n === hangUps.length;
    });
    const { rows } = await harness.pool.query<{ consumed_by: string; replay: boolean }>(
      `SELECT r.device_id AS consumed_by, e.replay FROM scan_events e JOIN redemptions r USING (campaign_id, code)
       WHERE e.campaign_id = $1 AND e.redelivered AND e.device_id = r.device_id AND e.first_scan_id = r.event_id`,
      [campaignId],
    );
    expect(rows).toHaveLength(hangUps.length);
    expect(rows.every((row) => row.replay)).toBe(true);
  });
});
