import { describe, expect, it } from 'vitest';
import { drawTier } from './draw.js';

const key = Buffer.alloc(32, 7);
const codes = (count: number) => Array.from({ length: count }, (_, i) => `1A${String(i).padStart(12, '0')}ABCDEFGHJKMNPQRS`);

function tally(drawKey: Buffer, weights: readonly number[], count: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const code of codes(count)) {
    const tier = drawTier(drawKey, code, weights);
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
  }
  return counts;
}

describe('drawTier', () => {
  it('draws the pinned tiers for fixed codes (changing the algorithm would re-roll printed codes)', () => {
    const fixed = Array.from({ length: 12 }, (_, i) => `1A000010000${String(i).padStart(2, '0')}ABCDEFGHJKMNPQRST`);
    expect(fixed.map((code) => drawTier(key, code, [1, 1, 1, 1]))).toEqual([2, 0, 0, 1, 2, 2, 0, 1, 2, 1, -1, -1]);
  });

  it('is deterministic per code and depends on the key', () => {
    const weights = [1, 20, 150, 300, 529];
    const sample = codes(200);
    const first = sample.map((code) => drawTier(key, code, weights));
    expect(sample.map((code) => drawTier(key, code, weights))).toEqual(first);
    const otherKey = sample.map((code) => drawTier(Buffer.alloc(32, 8), code, weights));
    expect(otherKey).not.toEqual(first);
  });

  it('follows the weights (chi-square over 20,000 codes under a fixed key)', () => {
    const weights = [1, 20, 150, 300, 529];
    const count = 20_000;
    const total = weights.reduce((sum, w) => sum + w, 0);
    const counts = tally(key, weights, count);
    const chiSquare = weights.reduce((sum, weight, slot) => {
      const expected = (count * weight) / total;
      const observed = counts.get(slot === weights.length - 1 ? -1 : slot) ?? 0;
      return sum + (observed - expected) ** 2 / expected;
    }, 0);
    // 18.47 is the 0.1% critical value for 4 degrees of freedom; the key is fixed, so no flakes.
    expect(chiSquare).toBeLessThan(18.47);
  });

  it('never draws a slot of weight 0', () => {
    expect([...tally(key, [0, 5, 0, 5, 0], 5000).keys()].sort()).toEqual([1, 3]);
    expect([...tally(key, [0, 0, 0, 1], 2000).keys()]).toEqual([-1]);
    expect([...tally(key, [0, 0, 2, 0], 2000).keys()]).toEqual([2]);
  });

  it('handles fractional weights and a single no-prize slot', () => {
    expect([...tally(key, [0.5, 0.5, 0], 2000).keys()].sort()).toEqual([0, 1]);
    expect([...tally(key, [3], 100).keys()]).toEqual([-1]);
  });
});
