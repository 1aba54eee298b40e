import { randomInt } from 'node:crypto';
import { xxh32 } from '@node-rs/xxhash';

export interface CountMinSketch {
  /** Counts one more for `key`; returns its new estimate. */
  add(key: string): number;
  /** At least the true count of `key` since the last clear; more only when keys collide in every row. */
  estimate(key: string): number;
  clear(): void;
  /** Memory held by the counters: fixed at creation, whatever the number of keys. */
  readonly bytes: number;
}

const ROWS = 2;

/**
 * A count-min sketch: two rows of `width` counters, each key counted in one cell per row chosen by
 * xxh32 under that row's seed; its estimate is the smaller cell. Memory is fixed whatever the
 * number of keys, and an estimate can only be too high (keys sharing both cells), never too low.
 * The seeds are random per process, so an attacker cannot choose keys that collide with a
 * neighbour's. Conservative update (only the smallest cells grow) keeps the overestimate small.
 */
export function createCountMinSketch(width: number): CountMinSketch {
  if (!Number.isInteger(Math.log2(width))) throw new RangeError(`sketch width ${width} is not a power of two`);
  const mask = width - 1;
  const cells = new Uint32Array(ROWS * width);
  const seeds = [randomInt(2 ** 32), randomInt(2 ** 32)] as const;
  const cellsOf = (key: string): [number, number] => [xxh32(key, seeds[0]) & mask, width + (xxh32(key, seeds[1]) & mask)];

  return {
    add(key) {
      const [a, b] = cellsOf(key);
      const next = Math.min(cells[a] as number, cells[b] as number) + 1;
      if ((cells[a] as number) < next) cells[a] = next;
      if ((cells[b] as number) < next) cells[b] = next;
      return next;
    },
    estimate(key) {
      const [a, b] = cellsOf(key);
      return Math.min(cells[a] as number, cells[b] as number);
    },
    clear: () => cells.fill(0),
    bytes: cells.byteLength,
  };
}
