/**
 * Question: how fast is the full scan path over HTTP compared with bare uWS and bare node:http on
 * this machine, measured in the same run?
 *
 * wrk (one thread, wrk/walk-paths.lua: each path sent once, in order) runs each case for
 * --seconds after a 2 s warm-up, at each --connections: (1) the bare uWS and (2) the bare
 * node:http hello-world (hello-uws.ts, hello-node.ts as child processes); then the real gateway,
 * `scangate serve` as a child process with the ingest on as in production, against a private
 * redis-server (AOF, appendfsync always) and a fresh Postgres database: (3) fresh codes, never
 * scanned before (each wrk run gets its own slice of the minted batch), all won or no_prize;
 * (4) replays, the same device re-scanning codes it redeemed (replay:true); (5) forged codes
 * (right batch and key id, wrong tag: the MAC check and a 404; the forged-per-IP limiter is set
 * out of reach, or it would answer 429 after 30 a minute). Then fresh codes at about half the
 * maximum rate for the p99 (wrk has no rate control: each connection pauses between requests, a
 * random time with the mean that gives the rate, as independent phones arrive), and once more
 * with every connection pausing exactly that long (lockstep: connections answered in one batch
 * come back as one burst), for comparison.
 * Prints req/s, p50/p99, non-2xx, socket errors, the ingest's lag during each gateway run (age of
 * the oldest decision not yet in Postgres, p99 of reads every 250 ms; target < 2 s) and a check
 * of the answers per run, and the
 * ratios next to the issue's targets: fresh ≥ 0.4× uWS hello and ≥ 1.2× node hello, forged ≥
 * 0.8× uWS hello, p99 ≤ 10 ms at half the maximum.
 *   npm run bench -- scan [--seconds 10] [--connections 256,64] [--soak 300] [--workers both] [--codes N] [--ingest in-process|separate]
 *                         [--aof-rewrite between-runs|auto]
 * --aof-rewrite between-runs (default) has Redis rewrite its AOF only between cases, while the
 * ingest catches up: a rewrite forks and compresses the whole dataset, and on these two shared
 * cores one landing inside a run took about a third off it (BENCHMARKS.md). auto keeps Redis's
 * own schedule (as production does, where Redis has cores of its own).
 * --ingest separate runs the ingest as its own `scangate ingest` process instead of inside the
 * gateway (default in-process, as `npm start` and `serve` do), to see what sharing the event loop costs.
 * --workers both runs every case with workers.mode inline (the default config), then the fresh
 * case again with a one-thread piscina pool, and prints pool / inline; inline or pool alone runs
 * only that mode. --codes: codes minted; by default enough for every fresh run at 0.6× the uWS
 * hello rate. --soak <s> (not run by default: it takes minutes) restarts the gateway and scans
 * for that long at the largest connection count, sampling its RSS every 5 s: the codes still
 * unscanned while they last, then replays of them (the walk wraps around), since minutes of
 * fresh codes would need millions more.
 *
 * Every scan sends one device cookie (taken from a first scan) and a phone's User-Agent: the
 * returning phone, whose cookie is verified and which gets no Set-Cookie; it also makes the
 * replays possible. Without a cookie every scan would be a phone's first (a new device id, a
 * Set-Cookie, one more device counted for the IP), the exception rather than the steady state.
 * All scans come from 127.0.0.1, so the campaign's limits, velocity and devices-per-IP
 * thresholds are set out of reach (fraud holdAt 99 / blockAt 100, the schema's maximum).
 *
 * Caveats: wrk, the gateway, Redis and Postgres (the ingest writes every decision) share this
 * 2-core machine, so each figure is what the others leave; the hello-worlds share it with wrk
 * only, and one wrk thread may be their ceiling. Each gateway case starts once the ingest has
 * committed every decision before it, so none pays for the backlog of the one before. Cases run one after the other (pool after
 * inline), so a machine that gets busier meanwhile skews the later ones. A fresh run that sends
 * more requests than it has codes says WRAPPED: its figure then includes replays.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CODE_LENGTH } from '../../core/codes/code-format.js';
import type { GatewayProcess } from '../../gateway/faults/fault-stack.js';
import { scanJson } from '../../gateway/testing/scan-client.js';
import { startHelloServer } from './hello-server.js';
import { choiceOption, countListOption, countOption } from './options.js';
import { sampleIngestLag } from './lag-sampler.js';
import { sampleRss } from './rss-sampler.js';
import { CodeSlices, writePathsFile } from './scan-paths.js';
import { printHalfRate, printProgress, printRatios, printRuns, printSoak, printWorkersRatio, type CaseName, type CaseRun, type PauseKind } from './scan-report.js';
import { startScanStack, type AofRewrite, type IngestPlacement, type WorkersMode } from './scan-stack.js';
import type { Teardown } from './teardown.js';
import { ensureWrk, runWrk, type WrkResult } from './wrk-runner.js';
import { runInterruptible } from './interruptible.js';

const WARMUP_SECONDS = 2;
/** How often the ingest's lag is read during a gateway run. */
const LAG_SAMPLE_MS = 250;
/** Until a fresh-code rate is measured, slices assume this share of the uWS hello rate (the target is 0.4). */
const FRESH_SHARE_OF_UWS = 0.6;
/** Slices hold this many times the codes the expected rate needs. */
const SLICE_HEADROOM = 1.25;
const SOAK_SAMPLE_MS = 5000;
/** RSS growth in the soak's first minute (at most its first fifth) is warm-up, not drift. */
const SOAK_WARMUP_SECONDS = 60;

interface Options {
  readonly seconds: number;
  readonly connections: readonly number[];
  /** the first runs every case; the others the fresh case only */
  readonly workers: readonly [WorkersMode, ...WorkersMode[]];
  /** 0: no soak */
  readonly soakSeconds: number;
  readonly codes: number | undefined;
  readonly ingest: IngestPlacement;
  readonly aofRewrite: AofRewrite;
}

function parseOptions(args: readonly string[]): Options {
  const workers = choiceOption(args, 'workers', ['both', 'inline', 'pool'] as const, 'both');
  return {
    seconds: countOption(args, 'seconds', 10),
    connections: countListOption(args, 'connections', [256, 64]),
    workers: workers === 'both' ? ['inline', 'pool'] : [workers],
    soakSeconds: args.includes('--soak') ? countOption(args, 'soak', 300) : 0,
    codes: args.includes('--codes') ? countOption(args, 'codes', 1) : undefined,
    ingest: choiceOption(args, 'ingest', ['in-process', 'separate'] as const, 'in-process'),
    aofRewrite: choiceOption(args, 'aof-rewrite', ['between-runs', 'auto'] as const, 'between-runs'),
  };
}

/** What a case sends: where, with which cookie and pause, and which codes each wrk run walks. */
interface CaseSpec {
  readonly name: CaseName;
  readonly workers?: WorkersMode;
  readonly connections: number;
  readonly url: string;
  readonly cookie?: string;
  readonly delayMs?: number;
  /** how the connections pause (default fixed) */
  readonly pause?: PauseKind;
  /** the codes of one wrk run of `seconds` (asked for the warm-up, then for the measured run) */
  codes(seconds: number): readonly string[];
  /** told how each wrk run (the warm-up too) was answered */
  walked?(codes: readonly string[], result: WrkResult): void;
}

function caseRunner(dir: string, seconds: number, signal: AbortSignal) {
  let runs = 0;
  async function walk(spec: CaseSpec, runSeconds: number): Promise<CaseRun> {
    signal.throwIfAborted();
    const codes = spec.codes(runSeconds);
    const pathsFile = writePathsFile(dir, `run-${++runs}`, codes);
    const pause = spec.pause ?? 'fixed';
    const result = await runWrk({ url: spec.url, pathsFile, connections: spec.connections, seconds: runSeconds, cookie: spec.cookie, delayMs: spec.delayMs, pause }, signal);
    await rm(pathsFile);
    spec.walked?.(codes, result);
    return { name: spec.name, workers: spec.workers, connections: spec.connections, paths: codes.length, delayMs: spec.delayMs ?? 0, pause, result };
  }
  return {
    walk,
    /** A warm-up run, then the measured one. */
    async measure(spec: CaseSpec): Promise<CaseRun> {
      await walk(spec, WARMUP_SECONDS);
      const run = await walk(spec, seconds);
      printProgress(run);
      return run;
    },
  };
}

/**
 * Fresh codes for each wrk run, a slice sized for the best fresh rate measured so far (or a
 * guess before the first; also for the slower half-rate run, as a pause can undershoot), and the
 * codes the device has redeemed, which the replays scan.
 */
function freshCodes(codes: readonly string[], guessedRps: number) {
  const slices = new CodeSlices(codes);
  const redeemed: string[] = [];
  let bestRps = 0;
  return {
    slices,
    redeemed,
    noteRate: (rps: number) => void (bestRps = Math.max(bestRps, rps)),
    /** codes / walked for a fresh-code case at `connections` */
    forRun: (connections: number): Pick<CaseSpec, 'codes' | 'walked'> => ({
      codes: (seconds) => slices.take(Math.ceil((bestRps || guessedRps) * seconds * SLICE_HEADROOM)),
      walked(walkedCodes, result) {
        // A code sent within the slowest answer's time of the end may have been in flight when
        // wrk stopped, and dropped undecided: only codes sent before that surely were redeemed.
        const unsure = connections + Math.ceil((result.rps * result.max) / 1000);
        const redeemedCount = Math.min(walkedCodes.length, result.sent) - unsure;
        for (let i = 0; i < redeemedCount; i++) redeemed.push(walkedCodes[i] as string);
      },
    }),
  };
}

/** The device cookie of a first scan, which every later scan sends. */
async function deviceCookie(baseUrl: string, code: string | undefined): Promise<string> {
  if (code === undefined) throw new Error('no code left for the first scan');
  const reply = await scanJson(baseUrl, code, { path: 'S' });
  if (reply.status !== 200 || !['won', 'no_prize'].includes(reply.body.outcome) || reply.cookie === undefined)
    throw new Error(`the first scan answered ${reply.status} ${JSON.stringify(reply.body)}, cookie ${reply.cookie ?? 'none'}`);
  return reply.cookie;
}

function assertRunning(gateway: GatewayProcess): void {
  if (!gateway.isRunning()) throw new Error(`the gateway exited during the run:\n${gateway.logTail()}`);
}

/** The gateway logs at warn: whatever it wrote is worth a look. */
function printGatewayLog(gateway: GatewayProcess, workers: WorkersMode): void {
  const tail = gateway.logTail(10).trim();
  if (tail !== '') console.log(`gateway (workers ${workers}) logged, last lines:\n${tail.split('\n').map((line) => `  ${line.slice(0, 300)}`).join('\n')}`);
}

type CaseRunner = ReturnType<typeof caseRunner>;

/**
 * The (mean) pause that brings a case to `targetRps`. Each connection sends, waits for the answer
 * and pauses: rate = C / (pause + latency). A short run with the pause alone tells the latency at
 * about that load (its median: a stall in the probe must not shrink the pause to nothing).
 */
async function halfRateDelay(runner: CaseRunner, spec: CaseSpec, targetRps: number): Promise<number> {
  const cycleMs = (1000 * spec.connections) / targetRps;
  const probe = await runner.walk({ ...spec, delayMs: Math.max(1, Math.round(cycleMs)) }, WARMUP_SECONDS);
  return Math.max(1, Math.round(cycleMs - probe.result.p50));
}

/** (1), (2): the hello-world baselines, each server alone on the machine with wrk. */
async function measureBaselines(runner: CaseRunner, connectionCounts: readonly number[], teardown: Teardown): Promise<CaseRun[]> {
  const runs: CaseRun[] = [];
  // They answer any path: one the length of a scan's keeps the requests alike.
  const helloCodes = ['0'.repeat(CODE_LENGTH)];
  for (const [kind, name] of [['uws', 'uWS hello'], ['node', 'node hello']] as const) {
    const server = await startHelloServer(kind, teardown);
    for (const connections of connectionCounts) runs.push(await runner.measure({ name, connections, url: server.url, codes: () => helloCodes }));
    await server.stop();
  }
  return runs;
}

/** --soak: a new gateway scanned for that long while its RSS is sampled. */
async function soak(runner: CaseRunner, gateway: GatewayProcess, spec: Omit<CaseSpec, 'name' | 'url'>, seconds: number): Promise<void> {
  console.log(`\nsoak: ${seconds} s at ${spec.connections} connections, a new gateway (workers ${spec.workers}, pid ${gateway.pid})`);
  const sampler = sampleRss(gateway.pid, SOAK_SAMPLE_MS);
  const run = await runner.walk({ ...spec, name: 'soak', url: gateway.baseUrl }, seconds).finally(() => sampler.stop());
  assertRunning(gateway);
  printSoak(run, sampler.samples, Math.min(SOAK_WARMUP_SECONDS, seconds / 5));
}

async function measureAll(options: Options, teardown: Teardown, signal: AbortSignal): Promise<void> {
  ensureWrk();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-scan-bench-'));
  teardown.add(() => rm(dir, { recursive: true, force: true }));
  const runner = caseRunner(dir, options.seconds, signal);
  const maxConnections = Math.max(...options.connections);
  const [mainMode, ...otherModes] = options.workers;
  console.log(`scan: wrk -t1, ${options.seconds} s per run after a ${WARMUP_SECONDS} s warm-up, at ${options.connections.join(' and ')} connections; workers ${options.workers.join(', ')}; ingest ${options.ingest}; AOF rewrite ${options.aofRewrite}; ${os.cpus().length} cores`);
  const runs = await measureBaselines(runner, options.connections, teardown);

  const uwsRps = runs.find((run) => run.name === 'uWS hello' && run.connections === maxConnections)?.result.rps ?? 0;
  const freshRuns = options.connections.length * options.workers.length + 0.5;
  const codeCount = options.codes ?? Math.ceil(uwsRps * FRESH_SHARE_OF_UWS * (options.seconds + WARMUP_SECONDS) * freshRuns * SLICE_HEADROOM);
  const stack = await startScanStack({ dir, codes: codeCount, ingest: options.ingest, aofRewrite: options.aofRewrite, teardown, log: (line) => console.log(line) });
  const fresh = freshCodes(stack.codes, uwsRps * FRESH_SHARE_OF_UWS);
  let gateway = await stack.startGateway(mainMode);
  const cookie = await deviceCookie(gateway.baseUrl, fresh.slices.take(1)[0]);
  const settleIngest = async () => {
    const { entries, seconds } = await stack.waitForIngest();
    // Under a second is the ingest's normal lag; more means the runs outpace it.
    if (seconds >= 1) console.log(`    waited ${seconds.toFixed(1)} s until the ingest had committed the ${entries.toLocaleString('en-US')} decisions before this case`);
    const compacting = await stack.compactAof();
    if (compacting >= 1) console.log(`    rewrote Redis's AOF before this case (${compacting.toFixed(1)} s)`);
  };
  const measureGateway = async (spec: Omit<CaseSpec, 'url' | 'cookie'>): Promise<CaseRun> => {
    await settleIngest();
    const lag = sampleIngestLag(() => stack.ingestLagMs(), LAG_SAMPLE_MS);
    const measured = await runner.measure({ ...spec, url: gateway.baseUrl, cookie }).catch(async (err: unknown) => {
      await lag.stop(); // a failed run must not leave the sampler reading Redis
      throw err;
    });
    const run = { ...measured, ingestLag: await lag.stop() };
    assertRunning(gateway);
    runs.push(run);
    return run;
  };
  const measureFresh = async (workers: WorkersMode, connections: number): Promise<CaseRun> => {
    const run = await measureGateway({ name: 'fresh', workers, connections, ...fresh.forRun(connections) });
    fresh.noteRate(run.result.rps);
    return run;
  };

  // (3) fresh codes, then at about half the maximum rate.
  for (const connections of options.connections) await measureFresh(mainMode, connections);
  const halfRps = (runs.find((run) => run.name === 'fresh' && run.connections === maxConnections)?.result.rps ?? 0) / 2;
  // Random pauses, as independent phones arrive; then the same mean pause in lockstep, for comparison.
  const halfSpec = { name: 'fresh, half max', workers: mainMode, connections: maxConnections, pause: 'random', ...fresh.forRun(maxConnections) } as const;
  await settleIngest();
  const delayMs = await halfRateDelay(runner, { ...halfSpec, url: gateway.baseUrl, cookie }, halfRps);
  const halfRun = await measureGateway({ ...halfSpec, delayMs });
  const lockstepRun = await measureGateway({ ...halfSpec, name: 'fresh, half, lockstep', pause: 'fixed', delayMs });
  // (4) replays and (5) forged codes come after every fresh run on this gateway: forged answers
  // raise the enumeration score of the address's next genuine scans.
  for (const connections of options.connections) {
    if (fresh.redeemed.length === 0) console.log(`  replay (${connections} conns): skipped, no code was surely redeemed (runs too short?)`);
    else await measureGateway({ name: 'replay', workers: mainMode, connections, codes: () => fresh.redeemed });
  }
  for (const connections of options.connections) await measureGateway({ name: 'forged', workers: mainMode, connections, codes: () => stack.forgedCodes });
  printGatewayLog(gateway, mainMode);

  for (const workers of otherModes) {
    await stack.stopGateway(gateway);
    gateway = await stack.startGateway(workers);
    for (const connections of options.connections) await measureFresh(workers, connections);
    printGatewayLog(gateway, workers);
  }

  const left = `${fresh.slices.remaining.toLocaleString('en-US')} of ${stack.codes.length.toLocaleString('en-US')} minted codes left unscanned`;
  printRuns(`\nscan: ${options.seconds} s per run after a ${WARMUP_SECONDS} s warm-up, wrk -t1; ${left}`, runs);
  console.log('');
  printRatios(runs, options.connections, mainMode);
  printHalfRate(halfRun, halfRps, lockstepRun);
  for (const workers of otherModes) printWorkersRatio(runs, options.connections, mainMode, workers);

  if (options.soakSeconds > 0) {
    await stack.stopGateway(gateway);
    gateway = await stack.startGateway(mainMode);
    // Fresh codes while they last; then the walk wraps around and scans them again, as replays.
    const codes = fresh.slices.remaining > 0 ? fresh.slices.take(fresh.slices.remaining) : fresh.redeemed;
    await settleIngest();
    await soak(runner, gateway, { workers: mainMode, connections: maxConnections, cookie, codes: () => codes }, options.soakSeconds);
    printGatewayLog(gateway, mainMode);
  }
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  await runInterruptible((teardown, signal) => measureAll(options, teardown, signal));
}
