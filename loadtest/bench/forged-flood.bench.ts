/**
 * Question: a flood of forged codes from 10,000+ client addresses — does the gateway's memory stay
 * bounded, are the forged codes refused (429) once their hosts and networks are over budget, and
 * do genuine scans sent beside the flood keep their p99? The old limiter kept one map entry per
 * address (≈ 141 B each, bounded only by traffic) and refused no forged code of a flood spread over
 * addresses; the new one counts hosts and /24s in a fixed 2 MiB sketch.
 * Runs (one gateway, trustProxy on, each flood request from its own X-Forwarded-For address):
 *   (1) genuine scans alone, at a moderate rate (connections × pauses), p99;
 *   (2) the same genuine load beside a forged flood at full speed from `--addresses` addresses.
 * Prints gateway RSS before / peak / after, the limiter's memory, forged answers by status, and
 * genuine p99 alone vs beside the flood. `--limits off` gives the flood unlimited budgets (the
 * baseline: every forged code answered 404).
 *   npm run bench -- forged-flood [--seconds 10] [--addresses 12288] [--flood-connections 32]
 *     [--genuine-connections 8] [--genuine-delay-ms 10] [--limits on|off]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SKETCH_WIDTH } from '../../gateway/http/forged-limiter.js';
import { choiceOption, countOption } from './options.js';
import { readRssKib, sampleRss } from './rss-sampler.js';
import { CodeSlices, writePathsFile } from './scan-paths.js';
import { startScanStack } from './scan-stack.js';
import { format, printTable } from './stats.js';
import type { Teardown } from './teardown.js';
import { ensureWrk, runWrk, type WrkResult } from './wrk-runner.js';
import { runInterruptible } from './interruptible.js';

const UNLIMITED = 1_000_000_000;
/** Codes minted per expected genuine scan: the pauses are random, so the rate is only about right. */
const CODE_HEADROOM = 2;
const RSS_SAMPLE_MS = 500;
/** The stated bound: the flood may grow the gateway's RSS by at most this much over its idle RSS. */
const RSS_GROWTH_BOUND_MIB = 64;

interface Options {
  readonly seconds: number;
  readonly addresses: number;
  readonly floodConnections: number;
  readonly genuineConnections: number;
  readonly genuineDelayMs: number;
  readonly limits: 'on' | 'off';
}

function parseOptions(args: readonly string[]): Options {
  return {
    seconds: countOption(args, 'seconds', 10),
    addresses: countOption(args, 'addresses', 12_288),
    floodConnections: countOption(args, 'flood-connections', 32),
    genuineConnections: countOption(args, 'genuine-connections', 8),
    genuineDelayMs: countOption(args, 'genuine-delay-ms', 10),
    limits: choiceOption(args, 'limits', ['on', 'off'], 'on'),
  };
}

const mib = (kib: number): string => format(kib / 1024, 1);
const count = (result: WrkResult, status: string): string => format(result.statuses[status] ?? 0);

async function measure(options: Options, teardown: Teardown, signal: AbortSignal): Promise<void> {
  ensureWrk();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-flood-bench-'));
  teardown.add(() => rm(dir, { recursive: true, force: true }));
  const genuinePerRun = Math.ceil((options.genuineConnections * 1000 * options.seconds) / options.genuineDelayMs);
  const stack = await startScanStack({ dir, codes: 2 * genuinePerRun * CODE_HEADROOM, ingest: 'in-process', aofRewrite: 'between-runs', teardown, log: (line) => console.log(line) });
  const budgets = options.limits === 'on' ? {} : { forgedPerIpLimit: UNLIMITED, forgedPerNetworkLimit: UNLIMITED };
  const gateway = await stack.startGateway('inline', { trustProxy: true, ...budgets });
  const slices = new CodeSlices(stack.codes);
  const genuine = (name: string) => ({
    url: gateway.baseUrl,
    pathsFile: writePathsFile(dir, name, slices.take(genuinePerRun * CODE_HEADROOM)),
    connections: options.genuineConnections,
    seconds: options.seconds,
    delayMs: options.genuineDelayMs,
    pause: 'random' as const,
  });
  console.log(
    `forged-flood: ${options.seconds} s per run; genuine ${options.genuineConnections} connections with ${options.genuineDelayMs} ms random pauses; flood ${options.floodConnections} connections from ${format(options.addresses)} addresses; limits ${options.limits}; ${os.cpus().length} cores`,
  );

  const rssIdleKib = readRssKib(gateway.pid);
  const alone = await runWrk(genuine('genuine-alone'), signal);
  await stack.waitForIngest();
  await stack.compactAof();

  const rssBeforeKib = readRssKib(gateway.pid);
  const rss = sampleRss(gateway.pid, RSS_SAMPLE_MS);
  const floodRun = { url: gateway.baseUrl, pathsFile: writePathsFile(dir, 'forged', stack.forgedCodes), connections: options.floodConnections, seconds: options.seconds, forwardedFor: options.addresses };
  const [flood, beside] = await Promise.all([runWrk(floodRun, signal), runWrk(genuine('genuine-beside-flood'), signal)]);
  rss.stop();
  const rssPeakKib = Math.max(...rss.samples.map((sample) => sample.kib));
  const rssAfterKib = readRssKib(gateway.pid);

  printTable('genuine scans', ['run', 'scans/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses'], [
    ['alone', format(alone.rps), format(alone.p50, 2), format(alone.p99, 2), format(alone.max, 1), JSON.stringify(alone.statuses)],
    ['beside the flood', format(beside.rps), format(beside.p50, 2), format(beside.p99, 2), format(beside.max, 1), JSON.stringify(beside.statuses)],
  ]);
  printTable('forged flood', ['requests/s', '404 invalid', '429 refused', 'other', 'p99 ms'], [
    [format(flood.rps), count(flood, '404'), count(flood, '429'), format(flood.requests - (flood.statuses['404'] ?? 0) - (flood.statuses['429'] ?? 0)), format(flood.p99, 2)],
  ]);
  const growthMib = (rssPeakKib - rssIdleKib) / 1024;
  printTable('gateway memory (MiB)', ['idle', 'before flood', 'peak', 'after flood', 'limiter (fixed)', 'bound on growth'], [
    [mib(rssIdleKib), mib(rssBeforeKib), mib(rssPeakKib), mib(rssAfterKib), mib((2 * SKETCH_WIDTH * 4) / 1024), `${RSS_GROWTH_BOUND_MIB}`],
  ]);
  console.log(
    `genuine p99 beside the flood / alone = ${format(beside.p99 / Math.max(alone.p99, 0.001), 2)}×; RSS growth ${format(growthMib, 1)} MiB ${growthMib <= RSS_GROWTH_BOUND_MIB ? 'within' : 'OVER'} the ${RSS_GROWTH_BOUND_MIB} MiB bound`,
  );
  await stack.stopGateway(gateway);
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  await runInterruptible((teardown, signal) => measure(options, teardown, signal));
}
