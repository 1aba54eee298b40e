import { describe, expect, it } from 'vitest';
import { latencyWindows, type LatencySample } from './latency-windows.js';

/** `count` samples sent evenly over [fromMs, fromMs + 10 s), each taking `latencyMs`. */
const steady = (fromMs: number, count: number, latencyMs: (i: number) => number): LatencySample[] =>
  Array.from({ length: count }, (_, i) => ({ sentAtMs: fromMs + (i * 10_000) / count, latencyMs: latencyMs(i) }));

describe('latency per window', () => {
  it('gives each 10 s window its own percentiles and flags the one a stall landed in', () => {
    const samples = [
      ...steady(0, 1000, () => 2),
      // a 400 ms stall delays the 20 scans sent during it, 2% of the window: its p99 shows it
      ...steady(10_000, 1000, (i) => (i >= 500 && i < 520 ? 400 - (i - 500) * 20 : 2)),
      ...steady(20_000, 1000, () => 3),
      ...steady(40_000, 1000, () => 2),
    ];
    const windows = latencyWindows(samples, 10_000);
    expect(windows.map((w) => [w.fromSeconds, w.count, w.spike])).toEqual([
      [0, 1000, false],
      [10, 1000, true],
      [20, 1000, false],
      [40, 1000, false],
    ]);
    expect(windows[1]).toMatchObject({ p50: 2, max: 400 });
    expect(windows[1]!.p99).toBeGreaterThan(3 * 3);
  });

  it('flags nothing when every window is alike', () => {
    const windows = latencyWindows([...steady(0, 500, (i) => 1 + (i % 5)), ...steady(10_000, 500, (i) => 1 + (i % 5))], 10_000);
    expect(windows.map((w) => w.spike)).toEqual([false, false]);
    expect(windows.map((w) => w.p99)).toEqual([5, 5]);
  });
});
