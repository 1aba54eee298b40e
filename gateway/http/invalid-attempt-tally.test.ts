import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidAttemptRetentionDays } from '../../core/analytics/invalid-attempts.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { createTestRedis, testRedisUrl, type TestRedis } from '../../core/testing/test-redis.js';
import { createManualClock } from '../testing/manual-clock.js';
import { UNATTRIBUTED } from './enumeration-alarm.js';
import { createForgedLimiter } from './forged-limiter.js';
import { startInvalidAttemptTally, type InvalidAttemptTally, type InvalidAttemptTallyOptions } from './invalid-attempt-tally.js';
import { talliedForgedLimiter } from './tallied-forged-limiter.js';

const hour = 3_600_000;
const day = 24 * hour;
/** 2026-03-10 04:00 UTC, an hour start */
const t0 = Date.UTC(2026, 2, 10, 4);
const field = (ms: number) => String(ms / 1000);

let t: TestRedis;
const tallies: InvalidAttemptTally[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  t = await createTestRedis();
});

afterAll(async () => {
  await Promise.all(tallies.map((tally) => tally.stop()));
  for (const client of clients) client.disconnect();
  await t.cleanup();
});

/** A tally on a manual clock, flushed by the test (its timer only fires if a test moves the clock by a year). */
function tally(options: Partial<InvalidAttemptTallyOptions> = {}) {
  const clock = createManualClock(t0);
  const errors: string[] = [];
  const started = startInvalidAttemptTally({ redis: t.redis, keyPrefix: t.prefix, clock, flushMs: 365 * day, onFlushError: (err) => errors.push(err.message), ...options });
  tallies.push(started);
  return { tally: started, clock, errors };
}

const attempts = (campaign: string) => t.redis.hgetall(campaignKeys(t.prefix, campaign).invalidAttempts);

/** A client to the test Redis, disconnected: it fails every command until connect() (no offline queue, like the gateway's). */
async function disconnectedClient(): Promise<Redis> {
  const client = createRedisClient(testRedisUrl(), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  clients.push(client);
  await new Promise((resolve) => client.once('ready', resolve));
  const ended = new Promise((resolve) => client.once('end', resolve));
  client.disconnect();
  await ended;
  return client;
}

describe('invalid-code attempt tally', () => {
  it('flushes exact counts per campaign and UTC hour in one pipeline, adds to what is there, and writes nothing unattributed', async () => {
    const { tally: tallied } = tally();
    for (let i = 0; i < 3; i++) tallied.record('tally-a', t0 + i * 1000);
    tallied.record('tally-a', t0 + hour - 1);
    tallied.record('tally-a', t0 + hour);
    for (let i = 0; i < 5; i++) tallied.record('tally-b', t0 + 30 * 60_000);
    tallied.record(UNATTRIBUTED, t0);
    expect(tallied.pending()).toBe(3);
    // nothing reaches Redis before a flush
    expect(await attempts('tally-a')).toEqual({});

    expect(await tallied.flush()).toBe(true);
    expect(tallied.pending()).toBe(0);
    expect(await attempts('tally-a')).toEqual({ [field(t0)]: '4', [field(t0 + hour)]: '1' });
    expect(await attempts('tally-b')).toEqual({ [field(t0)]: '5' });
    expect(await t.redis.exists(campaignKeys(t.prefix, UNATTRIBUTED).invalidAttempts)).toBe(0);
    const ttl = await t.redis.ttl(campaignKeys(t.prefix, 'tally-a').invalidAttempts);
    expect(ttl).toBeGreaterThan(invalidAttemptRetentionDays * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(invalidAttemptRetentionDays * 86_400);

    tallied.record('tally-a', t0 + 5);
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-a')).toEqual({ [field(t0)]: '5', [field(t0 + hour)]: '1' });
    // an empty flush writes nothing and succeeds
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-a')).toEqual({ [field(t0)]: '5', [field(t0 + hour)]: '1' });
  });

  it('keeps the tallies Redis refused for the next flush, writes the others once, and reports the failure once', async () => {
    const { tally: tallied, errors } = tally();
    const refusedKey = campaignKeys(t.prefix, 'tally-refused').invalidAttempts;
    // a key of the wrong type: Redis refuses the HINCRBY (WRONGTYPE), the rest of the pipeline goes through
    await t.redis.set(refusedKey, 'not a hash');
    for (let i = 0; i < 4; i++) tallied.record('tally-refused', t0 + i);
    for (let i = 0; i < 2; i++) tallied.record('tally-fine', t0 + i);

    expect(await tallied.flush()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/WRONGTYPE/);
    expect(tallied.pending()).toBe(1);
    expect(await attempts('tally-fine')).toEqual({ [field(t0)]: '2' });

    tallied.record('tally-refused', t0 + hour);
    expect(await tallied.flush()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(tallied.pending()).toBe(2);

    await t.redis.del(refusedKey);
    expect(await tallied.flush()).toBe(true);
    expect(tallied.pending()).toBe(0);
    expect(await attempts('tally-refused')).toEqual({ [field(t0)]: '4', [field(t0 + hour)]: '1' });
    expect(await attempts('tally-fine')).toEqual({ [field(t0)]: '2' });
    expect(tallied.dropped()).toBe(0);
  });

  it('keeps everything while Redis is unreachable and flushes it once Redis answers', async () => {
    const client = await disconnectedClient();
    const { tally: tallied, errors } = tally({ redis: client });
    for (let i = 0; i < 7; i++) tallied.record('tally-offline', t0 + i * 60_000);
    expect(await tallied.flush()).toBe(false);
    expect(await tallied.flush()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(tallied.pending()).toBe(1);

    await client.connect();
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-offline')).toEqual({ [field(t0)]: '7' });
  });

  it('holds at most maxPendingHours hours while flushes fail, giving up the oldest first', async () => {
    const client = await disconnectedClient();
    const { tally: tallied } = tally({ redis: client, maxPendingHours: 3 });
    for (let h = 0; h < 5; h++) for (let i = 0; i <= h; i++) tallied.record('tally-bounded', t0 + h * hour + i);
    tallied.record('tally-bounded-2', t0 + 4 * hour);
    // hours 0 and 1 (1 + 2 attempts) given up; hours 2..4 of two campaigns kept
    expect(tallied.dropped()).toBe(3);
    expect(tallied.pending()).toBe(4);
    expect(await tallied.flush()).toBe(false);
    // a failed flush puts its tallies back without passing the bound
    for (let i = 0; i < 10; i++) tallied.record('tally-bounded', t0 + 5 * hour);
    expect(tallied.dropped()).toBe(3 + 3);
    expect(tallied.pending()).toBe(4);
    // a late attempt for an hour older than all kept is the one given up
    tallied.record('tally-bounded', t0);
    expect(tallied.dropped()).toBe(3 + 3 + 1);
    expect(tallied.pending()).toBe(4);

    await client.connect();
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-bounded')).toEqual({ [field(t0 + 3 * hour)]: '4', [field(t0 + 4 * hour)]: '5', [field(t0 + 5 * hour)]: '10' });
    expect(await attempts('tally-bounded-2')).toEqual({ [field(t0 + 4 * hour)]: '1' });
  });

  it('deletes the fields older than the retention when it writes a campaign, once an hour', async () => {
    const { tally: tallied, clock } = tally();
    const key = campaignKeys(t.prefix, 'tally-trim').invalidAttempts;
    const retention = invalidAttemptRetentionDays * day;
    const [stale, oldestKept] = [t0 - retention - hour, t0 - retention];
    await t.redis.hset(key, field(stale), '9', field(oldestKept), '8');
    tallied.record('tally-trim', t0);
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-trim')).toEqual({ [field(oldestKept)]: '8', [field(t0)]: '1' });

    // the same hour: no second listing, so a field put back stays until the next hour
    await t.redis.hset(key, field(stale), '9');
    tallied.record('tally-trim', t0 + 1);
    expect(await tallied.flush()).toBe(true);
    expect(await t.redis.hexists(key, field(stale))).toBe(1);
    await clock.advance(hour);
    tallied.record('tally-trim', t0 + hour);
    expect(await tallied.flush()).toBe(true);
    // an hour later the oldest kept hour is out too
    expect(await attempts('tally-trim')).toEqual({ [field(t0)]: '2', [field(t0 + hour)]: '1' });
  });

  it('flushes on its own every flushMs, and once more at stop', async () => {
    const { tally: tallied, clock } = tally({ flushMs: 5000 });
    tallied.record('tally-timer', t0);
    await clock.advance(4999);
    expect(await attempts('tally-timer')).toEqual({});
    await clock.advance(1);
    await expect.poll(() => attempts('tally-timer')).toEqual({ [field(t0)]: '1' });
    tallied.record('tally-timer', t0 + 1);
    await tallied.stop();
    expect(await attempts('tally-timer')).toEqual({ [field(t0)]: '2' });
    expect(tallied.pending()).toBe(0);
  });

  it('does not let a Redis that takes the connection but never answers hold its stop for more than 2 s', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const client = createRedisClient(`redis://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, { enableReadyCheck: false, disableClientInfo: true, maxRetriesPerRequest: 1 });
    clients.push(client);
    await new Promise((resolve) => client.once('ready', resolve));
    const { tally: tallied, clock } = tally({ redis: client });
    tallied.record('tally-silent', t0);
    let stopped = false;
    const stopping = tallied.stop().then(() => (stopped = true));
    await clock.advance(1999);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(stopped).toBe(true);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('tallies every forged code the limiter records, 429s included, and leaves the limiter`s answers as they were', async () => {
    const { tally: tallied } = tally();
    const budgets = { perHost: 2, perNetwork: 100, windowSeconds: 60, campaignAlarmAt: 100 };
    const plain = createForgedLimiter(budgets);
    const limiter = talliedForgedLimiter(createForgedLimiter(budgets), tallied);
    const answers = Array.from({ length: 4 }, (_, i) => limiter.record('198.51.100.7', null, 'tally-limiter', t0 + i));
    expect(answers).toEqual(Array.from({ length: 4 }, (_, i) => plain.record('198.51.100.7', null, 'tally-limiter', t0 + i)));
    expect(answers.filter((retryAfter) => retryAfter > 0)).toHaveLength(2);
    expect(limiter.campaigns(t0)).toEqual([{ campaign: 'tally-limiter', forged: 4, alarm: false }]);
    expect(limiter.bytes).toBe(plain.bytes);
    expect(await tallied.flush()).toBe(true);
    expect(await attempts('tally-limiter')).toEqual({ [field(t0)]: '4' });
  });
});
