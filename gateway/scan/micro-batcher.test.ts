import { describe, expect, it } from 'vitest';
import { createMicroBatcher } from './micro-batcher.js';

/** A batcher whose `send` records its calls and answers each item doubled. */
function recording(maxBatch: number, fail?: Error) {
  const calls: [string, number[]][] = [];
  let depth = 0;
  const sizes: number[] = [];
  const batcher = createMicroBatcher(
    async (key: string, items: readonly number[]) => {
      calls.push([key, [...items]]);
      if (fail) throw fail;
      return items.map((item) => item * 2);
    },
    maxBatch,
    { batch: (size) => sizes.push(size), depth: (delta) => (depth += delta) },
  );
  return { batcher, calls, sizes, depth: () => depth };
}

describe('createMicroBatcher', () => {
  it('sends the items of one event-loop turn as one call per key, and answers each item in order', async () => {
    const r = recording(100);
    const results = await Promise.all([r.batcher.add('a', 1), r.batcher.add('b', 2), r.batcher.add('a', 3)]);
    expect(results).toEqual([2, 4, 6]);
    expect(r.calls).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    expect(r.sizes).toEqual([2, 1]);
    expect(r.depth()).toBe(0);
  });

  it('sends a full group at once, and items of a later turn in a later call', async () => {
    const r = recording(2);
    const first = [r.batcher.add('a', 1), r.batcher.add('a', 2), r.batcher.add('a', 3)];
    expect(r.calls).toEqual([['a', [1, 2]]]);
    await Promise.all(first);
    await r.batcher.add('a', 4);
    expect(r.calls).toEqual([
      ['a', [1, 2]],
      ['a', [3]],
      ['a', [4]],
    ]);
  });

  it('fails every item of a failed call, and drain waits for calls in flight', async () => {
    const boom = new Error('boom');
    const r = recording(100, boom);
    const results = Promise.allSettled([r.batcher.add('a', 1), r.batcher.add('a', 2)]);
    await r.batcher.drain();
    expect(r.calls).toHaveLength(1);
    expect(r.depth()).toBe(0);
    expect(await results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
  });
});
