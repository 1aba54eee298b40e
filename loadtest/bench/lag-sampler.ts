import { percentile } from './stats.js';

export interface LagSummary {
  readonly p99Seconds: number;
  readonly maxSeconds: number;
  readonly samples: number;
}

/**
 * Reads the ingest's lag (the age of the oldest decision not yet in Postgres, ms) every
 * `everyMs` while a run goes on; one read at a time, so a slow read never piles up.
 */
export function sampleIngestLag(read: () => Promise<number>, everyMs: number): { stop(): Promise<LagSummary> } {
  const ages: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      ages.push(await read());
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const sorted = ages.sort((a, b) => a - b);
      return { p99Seconds: percentile(sorted, 99) / 1000, maxSeconds: (sorted.at(-1) ?? 0) / 1000, samples: sorted.length };
    },
  };
}
