import { percentile } from './stats.js';

/** One answered request: when it was sent (ms since the run began) and how long it took. */
export interface LatencySample {
  readonly sentAtMs: number;
  readonly latencyMs: number;
}

export interface LatencyWindow {
  /** start of the window, seconds since the run began */
  readonly fromSeconds: number;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 above `spikeFactor` times the median of the windows' p99s */
  readonly spike: boolean;
}

/**
 * Latency percentiles per window of `windowMs` (by send time), so a stall that recurs, such as
 * Redis freeing a big expired key once a minute, shows as the windows it lands in instead of
 * vanishing into the whole run's p99. Empty windows are left out.
 */
export function latencyWindows(samples: readonly LatencySample[], windowMs: number, spikeFactor = 3): LatencyWindow[] {
  const byWindow = new Map<number, number[]>();
  for (const { sentAtMs, latencyMs } of samples) {
    const index = Math.floor(sentAtMs / windowMs);
    const latencies = byWindow.get(index) ?? [];
    latencies.push(latencyMs);
    byWindow.set(index, latencies);
  }
  const windows = [...byWindow.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, latencies]) => {
      latencies.sort((a, b) => a - b);
      return { fromSeconds: (index * windowMs) / 1000, count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 };
    });
  const medianP99 = percentile(windows.map((w) => w.p99).sort((a, b) => a - b), 50);
  return windows.map((w) => ({ ...w, spike: w.p99 > spikeFactor * medianP99 }));
}
