import { readFileSync } from 'node:fs';

/** A process's resident set size in KiB, from /proc/<pid>/status (Linux). */
export function readRssKib(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

export interface RssSample {
  readonly atSeconds: number;
  readonly kib: number;
}

/** Samples a process's RSS now, every `everyMs`, and once more at stop(). */
export function sampleRss(pid: number, everyMs: number): { readonly samples: readonly RssSample[]; stop(): void } {
  const startedAt = Date.now();
  const samples: RssSample[] = [];
  const sample = () => {
    try {
      samples.push({ atSeconds: (Date.now() - startedAt) / 1000, kib: readRssKib(pid) });
    } catch {
      // the process is gone: the run that drives it reports that
    }
  };
  sample();
  let timer: NodeJS.Timeout | undefined = setInterval(sample, everyMs);
  return {
    samples,
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      sample();
    },
  };
}
