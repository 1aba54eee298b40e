import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { repoPath } from '../../core/paths.js';
import { findOnPath } from '../../core/services/find-on-path.js';
import { phoneAgent } from '../../gateway/testing/scan-client.js';

/** wrk driven by wrk/walk-paths.lua: one wrk thread, each path of a file sent once, in order. */
const WALK_PATHS = repoPath('loadtest/bench/wrk/walk-paths.lua');
const RESULT_PREFIX = 'WRK_RESULT ';

/** The JSON line walk-paths.lua prints in done(); latencies in ms. */
export interface WrkResult {
  /** answered */
  readonly requests: number;
  /** paths handed out (answered or still in flight when the run ended) */
  readonly sent: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** socket errors: connect, read, write, timeout */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** scan answers by their "outcome" */
  readonly outcomes: Readonly<Record<string, number>>;
  /** answers with "replay":true */
  readonly replays: number;
}

export interface WrkRun {
  readonly url: string;
  readonly pathsFile: string;
  readonly connections: number;
  readonly seconds: number;
  /** sent on every request (the Cookie header value) */
  readonly cookie?: string;
  /** pause of each connection before each request, to run below the maximum rate */
  readonly delayMs?: number;
  /** exactly delayMs (default), or random with that mean (exponential: independent phones) */
  readonly pause?: 'fixed' | 'random';
  /** each request from one of this many X-Forwarded-For addresses in turn (10.0.0.0/8); none when absent */
  readonly forwardedFor?: number;
}

/** Installs wrk (the Debian package) when it is not on PATH. */
export function ensureWrk(): void {
  if (findOnPath('wrk')) return;
  const asRoot = process.getuid?.() === 0;
  const apt = (args: string[]): [string, string[]] => (asRoot ? ['apt-get', args] : ['sudo', ['apt-get', ...args]]);
  console.log(`wrk is not on PATH: installing it (${asRoot ? '' : 'sudo '}apt-get update && apt-get install -y wrk)`);
  for (const args of [['update'], ['install', '-y', 'wrk']]) {
    const [command, commandArgs] = apt(args);
    execFileSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (!findOnPath('wrk')) throw new Error('apt-get install wrk succeeded but wrk is still not on PATH');
}

/** Runs wrk once (killed when `signal` aborts) and returns walk-paths.lua's result line. */
export async function runWrk(run: WrkRun, signal: AbortSignal): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    '--timeout', '5s',
    // A phone's agent, so the fraud rules see what they see at a promotion (and the baselines get the same bytes).
    '-H', `User-Agent: ${phoneAgent}`,
    '-s', WALK_PATHS,
    run.url,
    '--', run.pathsFile, run.cookie ?? '-', String(run.delayMs ?? 0), run.pause ?? 'fixed', String(run.forwardedFor ?? 0),
  ];
  const { stdout } = await promisify(execFile)('wrk', args, { signal, maxBuffer: 1 << 20 });
  const line = stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`wrk printed no ${RESULT_PREFIX.trim()} line:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as WrkResult;
}
