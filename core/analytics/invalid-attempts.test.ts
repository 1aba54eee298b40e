import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../redis/keys.js';
import { createTestRedis, type TestRedis } from '../testing/test-redis.js';
import { invalidAttemptField, invalidAttemptRetentionDays, oldestKeptHour, readInvalidAttempts } from './invalid-attempts.js';

const hour = 3_600_000;
const day = 24 * hour;

let t: TestRedis;

beforeAll(async () => {
  t = await createTestRedis();
});

afterAll(() => t?.cleanup());

/** Fields as the gateways write them: UTC hour start (epoch seconds) → attempts. */
async function seed(campaignId: string, hours: [at: number, attempts: number][]): Promise<void> {
  await t.redis.hset(campaignKeys(t.prefix, campaignId).invalidAttempts, Object.fromEntries(hours.map(([at, attempts]) => [invalidAttemptField(at), String(attempts)])));
}

describe('invalid-code attempts (the gateways’ counters in Redis)', () => {
  // 2026-03-10 in Shanghai (UTC+8): [2026-03-09T16:00Z, 2026-03-10T16:00Z)
  const from = Date.UTC(2026, 2, 9, 16);
  const to = from + day;
  const range = { campaignId: 'ia-shanghai', from: new Date(from), to: new Date(to) };

  beforeAll(() =>
    seed('ia-shanghai', [
      [from - day - hour, 8], // before both periods
      [from - day, 7], // the previous period's first hour
      [from - hour, 2], // the previous period's last hour
      [from, 3],
      [from + 5 * hour, 4],
      [to - hour, 5],
      [to, 6], // the hour after the range
    ]),
  );

  it('sums exactly the UTC hours starting in the range, and in the period of the same length before it', async () => {
    const read = await readInvalidAttempts(t.redis, t.prefix, range, { grain: 'day', timeZone: 'Asia/Shanghai' }, () => new Date(to));
    expect(read).toMatchObject({ source: 'gateway-counters', current: 3 + 4 + 5, previous: 7 + 2, kept: 8 + 7 + 2 + 3 + 4 + 5 + 6 });
    expect(read.readAt).toEqual(new Date(to));
    expect(read.series).toEqual([{ bucket: '2026-03-10 00:00', attempts: 12 }]);
  });

  it('names campaign-local hours like the rollup series, with only the buckets that have attempts', async () => {
    const read = await readInvalidAttempts(t.redis, t.prefix, range, { grain: 'hour', timeZone: 'Asia/Shanghai' });
    expect(read.series).toEqual([
      { bucket: '2026-03-10 00:00', attempts: 3 },
      { bucket: '2026-03-10 05:00', attempts: 4 },
      { bucket: '2026-03-10 23:00', attempts: 5 },
    ]);
  });

  it('puts a half-hour zone’s UTC hour in the local hour it starts in, and leaves out the hour that started before local midnight', async () => {
    // 2026-03-10 in Kolkata (UTC+5:30): [2026-03-09T18:30Z, 2026-03-10T18:30Z)
    const kolkataFrom = Date.UTC(2026, 2, 9, 18, 30);
    await seed('ia-kolkata', [
      [Date.UTC(2026, 2, 9, 18), 1],
      [Date.UTC(2026, 2, 9, 19), 2],
      [Date.UTC(2026, 2, 10, 18), 3],
    ]);
    const kolkata = { campaignId: 'ia-kolkata', from: new Date(kolkataFrom), to: new Date(kolkataFrom + day) };
    const read = await readInvalidAttempts(t.redis, t.prefix, kolkata, { grain: 'hour', timeZone: 'Asia/Kolkata' });
    expect(read.current).toBe(5);
    expect(read.previous).toBe(1);
    expect(read.series).toEqual([
      { bucket: '2026-03-10 00:00', attempts: 2 },
      { bucket: '2026-03-10 23:00', attempts: 3 },
    ]);
  });

  it('reads zeros for a campaign no gateway has counted anything for', async () => {
    const read = await readInvalidAttempts(t.redis, t.prefix, { ...range, campaignId: 'ia-none' }, { grain: 'day', timeZone: 'Asia/Shanghai' });
    expect(read).toMatchObject({ current: 0, previous: 0, kept: 0, series: [] });
  });

  it('counts an instant under its UTC hour’s start, and keeps hours back to the retention', () => {
    const now = Date.UTC(2026, 2, 10, 4, 30);
    expect(invalidAttemptField(now)).toBe(String(Date.UTC(2026, 2, 10, 4) / 1000));
    expect(oldestKeptHour(now)).toBe((Date.UTC(2026, 2, 10, 4) - invalidAttemptRetentionDays * day) / 1000);
  });
});
