import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestGroup } from '../../core/redis/keys.js';
import { createTestRedis, type TestRedis } from '../../core/testing/test-redis.js';
import { ack, claimIdle, ensureGroup, keepClaimed, readNew } from './consumer-group.js';
import { appendScanEvents, scanEventMap } from '../../core/testing/scan-event-fixtures.js';
import { backlogEntries, readBacklog, trimAcknowledged } from '../../core/redis/stream-backlog.js';
import { discoverEventStreams, eventStream } from '../../core/redis/stream-discovery.js';
import type { EventStream, StreamEntry } from '../../core/redis/stream-entry.js';

describe('consumer group, backlog and trimming', () => {
  let t: TestRedis;
  let campaign = 0;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(() => t.cleanup());

  async function streamWith(count: number): Promise<EventStream> {
    const stream = eventStream(t.prefix, `c${++campaign}`);
    await appendScanEvents(
      t.redis,
      stream.key,
      Array.from({ length: count }, (_, i) => scanEventMap(i)),
    );
    await ensureGroup(t.redis, stream);
    return stream;
  }

  async function streamIds(stream: EventStream): Promise<string[]> {
    return (await t.redis.xrange(stream.key, '-', '+')).map(([id]) => id);
  }

  it('discovers every campaign stream under the prefix, and nothing else', async () => {
    const a = await streamWith(1);
    const b = await streamWith(1);
    await t.redis.set(`${t.prefix}{c:not-a-stream}:events`, 'x');
    await t.redis.xadd(`${t.prefix}{c:Bad_Id}:events`, '*', 'd', 'x');
    const found = await discoverEventStreams(t.redis, t.prefix);
    expect(found.map((s) => s.campaignId)).toEqual(expect.arrayContaining([a.campaignId, b.campaignId]));
    expect(found.map((s) => s.campaignId)).not.toContain('not-a-stream');
    expect(found.map((s) => s.campaignId)).not.toContain('Bad_Id');
  });

  it('ensureGroup is idempotent and starts from the first entry', async () => {
    const stream = await streamWith(3);
    await ensureGroup(t.redis, stream);
    const entries = await readNew(t.redis, 'reader', [stream], 10, 0);
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.deliveries === 1 && e.fields[0]?.toString() === 'd')).toBe(true);
  });

  it('reports pending, undelivered and the oldest unacknowledged entry', async () => {
    const stream = await streamWith(5);
    const ids = await streamIds(stream);
    expect(await readBacklog(t.redis, stream)).toMatchObject({ pending: 0, undelivered: 5, oldestUnackedId: ids[0] });
    const read = await readNew(t.redis, 'reader', [stream], 2, 0);
    await ack(t.redis, read.slice(0, 1));
    const backlog = await readBacklog(t.redis, stream);
    expect(backlog).toMatchObject({ pending: 1, undelivered: 3, oldestUnackedId: ids[1], lastDeliveredId: ids[1] });
    expect(backlogEntries(backlog!)).toBe(4);
    expect(await readBacklog(t.redis, eventStream(t.prefix, 'never-written'))).toBeNull();
  });

  it('trims only below the oldest pending entry, never past an unacknowledged one', async () => {
    const stream = await streamWith(10);
    const ids = await streamIds(stream);
    const read = await readNew(t.redis, 'reader', [stream], 8, 0);
    // entries 4 and 5 (index 3, 4) stay pending; 9 and 10 are never delivered
    await ack(t.redis, read.filter((_, i) => i !== 3 && i !== 4));
    await trimAcknowledged(t.redis, (await readBacklog(t.redis, stream))!);
    expect(await streamIds(stream)).toEqual(ids.slice(3));

    await ack(t.redis, read);
    await trimAcknowledged(t.redis, (await readBacklog(t.redis, stream))!);
    // nothing pending: everything below the last delivered entry goes, the undelivered stay
    expect(await streamIds(stream)).toEqual(ids.slice(7));
    expect(await readBacklog(t.redis, stream)).toMatchObject({ pending: 0, undelivered: 2, oldestUnackedId: ids[8] });
  });

  it('claims only entries idle long enough, each with its own delivery count', async () => {
    const stream = await streamWith(4);
    const [e1] = await readNew(t.redis, 'dead-consumer', [stream], 1, 0);
    const [e2] = await readNew(t.redis, 'rescuer', [stream], 1, 0);
    const [e3, e4] = await readNew(t.redis, 'dead-consumer', [stream], 2, 0);
    expect(await claimIdle(t.redis, 'rescuer', stream, 60_000, 10)).toEqual([]);
    // the dead consumer has been silent for an hour (XCLAIM IDLE says so without waiting for it)
    await t.redis.xclaim(stream.key, ingestGroup, 'dead-consumer', 0, e1!.id, e3!.id, e4!.id, 'IDLE', 3_600_000, 'JUSTID');
    // the rescuer's own entry e2 sits between the claimed ones and is fresh: it is not claimed
    await keepClaimed(t.redis, 'rescuer', [e2!]);
    const claimed = await claimIdle(t.redis, 'rescuer', stream, 60_000, 10);
    expect(claimed.map((e: StreamEntry) => [e.id, e.deliveries])).toEqual([e1, e3, e4].map((e) => [e!.id, 2]));
    const pending = (await t.redis.xpending(stream.key, ingestGroup, '-', '+', 10)) as [string, string, number, number][];
    expect(pending.map(([id, consumer, , deliveries]) => [id, consumer, deliveries])).toEqual([
      [e1!.id, 'rescuer', 2],
      [e2!.id, 'rescuer', 1],
      [e3!.id, 'rescuer', 2],
      [e4!.id, 'rescuer', 2],
    ]);
  });
});
