import type { LagSummary } from './lag-sampler.js';
import type { RssSample } from './rss-sampler.js';
import type { WorkersMode } from './scan-stack.js';
import { format, printTable } from './stats.js';
import type { WrkResult } from './wrk-runner.js';

export type CaseName = 'uWS hello' | 'node hello' | 'fresh' | 'fresh, half max' | 'fresh, half, lockstep' | 'replay' | 'forged' | 'soak';

/** How each connection pauses before a request (wrk/walk-paths.lua): exactly delayMs, or at random with that mean. */
export type PauseKind = 'fixed' | 'random';

/** One measured wrk run of one case. */
export interface CaseRun {
  readonly name: CaseName;
  /** the gateway's workers.mode; undefined for the hello-world baselines */
  readonly workers: WorkersMode | undefined;
  readonly connections: number;
  /** paths in the walk: a fresh run that sent more wrapped around to codes it had already scanned */
  readonly paths: number;
  readonly delayMs: number;
  readonly pause: PauseKind;
  readonly result: WrkResult;
  /** gateway runs: how far Postgres was behind meanwhile */
  readonly ingestLag?: LagSummary;
}

interface Expectation {
  readonly status: number;
  readonly outcomes?: readonly string[];
  readonly replays?: 'none' | 'all';
  /** each path may be sent only once (fresh codes) */
  readonly once?: boolean;
}

const decided = ['won', 'no_prize'];
const expectations: Record<CaseName, Expectation> = {
  'uWS hello': { status: 200 },
  'node hello': { status: 200 },
  fresh: { status: 200, outcomes: decided, replays: 'none', once: true },
  'fresh, half max': { status: 200, outcomes: decided, replays: 'none', once: true },
  'fresh, half, lockstep': { status: 200, outcomes: decided, replays: 'none', once: true },
  replay: { status: 200, outcomes: decided, replays: 'all' },
  forged: { status: 404, outcomes: ['invalid'] },
  // fresh codes while they last, then the walk wraps around and scans them again: replays
  soak: { status: 200, outcomes: decided },
};

const pauseText = (run: CaseRun): string => (run.delayMs === 0 ? '' : run.pause === 'random' ? `pauses averaging ${run.delayMs} ms` : `pauses of ${run.delayMs} ms`);

const counts = (entries: [string, number][]): string => entries.map(([key, n]) => `${key}×${n}`).join(' ');

/** What in a run's answers is not what its case must answer (empty: all as expected). */
export function problemsOf(run: CaseRun): string[] {
  const expected = expectations[run.name];
  const { result } = run;
  const problems: string[] = [];
  if (expected.once && result.sent > run.paths) problems.push(`WRAPPED: sent ${result.sent} > ${run.paths} fresh codes, the figure includes replays`);
  const statuses = Object.entries(result.statuses).filter(([status]) => Number(status) !== expected.status);
  if (statuses.length > 0) problems.push(`status ${counts(statuses)}`);
  if (result.errors > 0) problems.push(`${result.errors} socket errors`);
  const outcomes = expected.outcomes;
  const unexpected = outcomes ? Object.entries(result.outcomes).filter(([outcome]) => !outcomes.includes(outcome)) : [];
  if (unexpected.length > 0) problems.push(`outcome ${counts(unexpected)}`);
  if (expected.replays === 'none' && result.replays > 0) problems.push(`${result.replays} replays`);
  if (expected.replays === 'all' && result.replays < result.requests) problems.push(`${result.requests - result.replays} not replays`);
  return problems;
}

const non2xx = (result: WrkResult): number =>
  Object.entries(result.statuses).reduce((sum, [status, n]) => (Number(status) >= 200 && Number(status) < 300 ? sum : sum + n), 0);

/** One line as a run ends, so a long benchmark shows where it is. */
export function printProgress(run: CaseRun): void {
  const problems = problemsOf(run);
  console.log(
    `  ${run.name} (${run.workers ?? 'baseline'}, ${run.connections} conns${run.delayMs > 0 ? `, ${pauseText(run)}` : ''}): ` +
      `${format(run.result.rps)} req/s, p99 ${format(run.result.p99, 2)} ms${problems.length > 0 ? ` — ${problems.join('; ')}` : ''}`,
  );
}

export function printRuns(title: string, runs: readonly CaseRun[]): void {
  printTable(
    title,
    ['case', 'workers', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'sock err', 'lag p99 s', 'check'],
    runs.map((run) => [
      run.name,
      run.workers ?? '-',
      String(run.connections),
      format(run.result.rps),
      format(run.result.p50, 2),
      format(run.result.p99, 2),
      format(non2xx(run.result)),
      format(run.result.errors),
      run.ingestLag ? format(run.ingestLag.p99Seconds, 2) : '-',
      problemsOf(run).join('; ') || 'ok',
    ]),
  );
}

const find = (runs: readonly CaseRun[], name: CaseName, connections: number, workers?: WorkersMode) =>
  runs.find((run) => run.name === name && run.connections === connections && (workers === undefined || run.workers === workers));

/** The issue's targets: each case's req/s over a baseline's, at the same connections. */
const TARGETS: readonly { name: CaseName; baseline: CaseName; atLeast?: number }[] = [
  { name: 'fresh', baseline: 'uWS hello', atLeast: 0.4 },
  { name: 'fresh', baseline: 'node hello', atLeast: 1.2 },
  { name: 'forged', baseline: 'uWS hello', atLeast: 0.8 },
  { name: 'replay', baseline: 'uWS hello' },
];

export function printRatios(runs: readonly CaseRun[], connectionCounts: readonly number[], workers: WorkersMode): void {
  const rows: string[][] = [];
  for (const connections of connectionCounts) {
    for (const target of TARGETS) {
      const run = find(runs, target.name, connections, workers);
      const baseline = find(runs, target.baseline, connections);
      if (!run || !baseline) continue;
      const ratio = run.result.rps / baseline.result.rps;
      const verdict = target.atLeast === undefined ? '' : ratio >= target.atLeast ? 'met' : 'MISSED';
      rows.push([`${target.name} / ${target.baseline}`, String(connections), ratio.toFixed(2), target.atLeast === undefined ? '-' : `≥ ${target.atLeast.toFixed(2)}`, verdict]);
    }
  }
  printTable(`req/s ratios (gateway workers: ${workers})`, ['ratio', 'conns', 'value', 'target', ''], rows);
}

/**
 * p99 when the fresh-code path runs at about half its maximum; target ≤ 10 ms. The target is
 * judged on random pauses (independent phones); lockstep pauses are printed beside it.
 */
export function printHalfRate(run: CaseRun, targetRps: number, lockstep?: CaseRun): void {
  const p99 = run.result.p99;
  console.log(
    `p99 at half max: ${format(p99, 2)} ms at ${format(run.result.rps)} req/s (aimed at ${format(targetRps)}: ${run.connections} conns, ` +
      `${pauseText(run)})  target ≤ 10 ms: ${p99 <= 10 ? 'met' : 'MISSED'}`,
  );
  if (lockstep)
    console.log(`  lockstep (every connection pausing exactly ${lockstep.delayMs} ms): p99 ${format(lockstep.result.p99, 2)} ms at ${format(lockstep.result.rps)} req/s`);
}

export function printWorkersRatio(runs: readonly CaseRun[], connectionCounts: readonly number[], base: WorkersMode, other: WorkersMode): void {
  for (const connections of connectionCounts) {
    const baseRun = find(runs, 'fresh', connections, base);
    const otherRun = find(runs, 'fresh', connections, other);
    if (!baseRun || !otherRun) continue;
    console.log(
      `workers ${other} / ${base}, fresh codes, ${connections} conns: ${(otherRun.result.rps / baseRun.result.rps).toFixed(2)} ` +
        `(${other} ${format(otherRun.result.rps)} req/s, ${base} ${format(baseRun.result.rps)} req/s; ${other} ran after ${base})`,
    );
  }
}

/** RSS over a soak: first, after the warm-up, last, min and max after the warm-up, and the drift. */
export function printSoak(run: CaseRun, samples: readonly RssSample[], warmupSeconds: number): void {
  const settled = samples.filter((sample) => sample.atSeconds >= warmupSeconds);
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  const fresh = run.result.requests - run.result.replays;
  console.log(
    `soak: ${run.result.seconds.toFixed(0)} s, ${format(run.result.rps)} req/s, ${format(fresh)} fresh scans then ${format(run.result.replays)} replays, ` +
      `p99 ${format(run.result.p99, 2)} ms; ${problemsOf(run).join('; ') || 'all answered 200 won / no_prize'}`,
  );
  const first = samples[0];
  const settledFirst = settled[0];
  const last = settled[settled.length - 1];
  if (!first || !settledFirst || !last) {
    console.log('soak: too few RSS samples (the gateway stopped, or the soak was shorter than its warm-up)');
    return;
  }
  const values = settled.map((sample) => sample.kib);
  const drift = ((last.kib - settledFirst.kib) / settledFirst.kib) * 100;
  console.log(
    `gateway RSS every ${((samples[1]?.atSeconds ?? 0) - first.atSeconds).toFixed(0)} s: at start ${mib(first.kib)}; after ${warmupSeconds} s warm-up ${mib(settledFirst.kib)}, ` +
      `last ${mib(last.kib)}, min ${mib(Math.min(...values))}, max ${mib(Math.max(...values))}; drift ${drift >= 0 ? '+' : ''}${drift.toFixed(1)} % ` +
      `(target within ±10 %: ${Math.abs(drift) <= 10 ? 'met' : 'MISSED'})`,
  );
}
