/**
 * Question: how many phones lose their prize when the connection drops around a scan, and how
 * many does redelivery give back? Each phone sends `GET /s/<fresh code>` (phone User-Agent, no
 * cookie) on a raw socket and hangs up one of three ways — FIN right after the request, RST right
 * after it, or a second request pipelined 0.5–5 ms later (uWS then closes the connection) — and,
 * `--retry-after-ms` later, retries the code without a cookie from the same address, as a phone
 * whose first try failed does. Each retry is classed:
 *   answered     the first try got its answer after all (nothing to recover)
 *   undecided    the first try was dropped before the decision; the retry wins the fresh code
 *   redelivered  the first try was decided but unanswered; the retry gets it back (replay: true)
 *   lost         the retry is told already_redeemed: the prize is gone
 * Two gateways in one run, the same load: redelivery as shipped (window 600 s), and the same
 * gateway with a 1 s window, whose marks have expired by the time of the retry (the baseline:
 * what every phone got before redelivery existed).
 *   npm run bench -- lost-answers [--phones 200] [--parallel 16] [--retry-after-ms 1500]
 */
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { phoneAgent } from '../../gateway/testing/scan-client.js';
import { countOption } from './options.js';
import { startScanStack } from './scan-stack.js';
import { format, printTable } from './stats.js';
import type { Teardown } from './teardown.js';
import { runInterruptible } from './interruptible.js';

type HangUp = 'FIN' | 'RST' | 'pipelined';
type Fate = 'answered' | 'undecided' | 'redelivered' | 'lost' | 'other';

const hangUps: readonly HangUp[] = ['FIN', 'RST', 'pipelined'];
const fates: readonly Fate[] = ['answered', 'undecided', 'redelivered', 'lost', 'other'];
/** The baseline gateway's window: shorter than the retry delay, so its marks are gone by then. */
const BASELINE_WINDOW_SECONDS = 1;

interface Options {
  readonly phones: number;
  readonly parallel: number;
  readonly retryAfterMs: number;
}

function parseOptions(args: readonly string[]): Options {
  const options = { phones: countOption(args, 'phones', 200), parallel: countOption(args, 'parallel', 16), retryAfterMs: countOption(args, 'retry-after-ms', 1500) };
  if (options.retryAfterMs <= BASELINE_WINDOW_SECONDS * 1000) throw new Error(`--retry-after-ms must exceed the baseline's ${BASELINE_WINDOW_SECONDS} s window`);
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the scan, hangs up as told; resolves with whether an HTTP status line came back. */
function firstTry(port: number, code: string, hangUp: HangUp): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received.startsWith('HTTP/1.1 ')));
    socket.on('connect', () => {
      socket.write(`GET /s/${code} HTTP/1.1\r\nHost: phone\r\nAccept: application/json\r\nUser-Agent: ${phoneAgent}\r\n\r\n`);
      if (hangUp === 'FIN') socket.end();
      else if (hangUp === 'RST') socket.resetAndDestroy();
      else setTimeout(() => socket.write('GET /healthz HTTP/1.1\r\nHost: phone\r\n\r\n'), 0.5 + Math.random() * 4.5);
    });
    // A pipelined pair that uWS does answer leaves the connection open: close it once answered.
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}

async function retry(baseUrl: string, code: string): Promise<{ outcome?: string; replay?: boolean }> {
  const response = await fetch(`${baseUrl}/s/${code}`, { headers: { accept: 'application/json', 'user-agent': phoneAgent } });
  return (await response.json()) as { outcome?: string; replay?: boolean };
}

function fateOf(answered: boolean, retried: { outcome?: string; replay?: boolean }): Fate {
  if (answered) return 'answered';
  if (retried.outcome === 'already_redeemed') return 'lost';
  if (retried.replay === true) return 'redelivered';
  if (retried.outcome === 'won' || retried.outcome === 'no_prize') return 'undecided';
  return 'other';
}

async function phonesHangingUp(baseUrl: string, port: number, codes: string[], hangUp: HangUp, options: Options): Promise<Record<Fate, number>> {
  const counts = Object.fromEntries(fates.map((fate) => [fate, 0])) as Record<Fate, number>;
  const phone = async (): Promise<void> => {
    for (let code = codes.pop(); code !== undefined; code = codes.pop()) {
      const answered = await firstTry(port, code, hangUp);
      await sleep(options.retryAfterMs);
      counts[fateOf(answered, await retry(baseUrl, code))]++;
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, phone));
  return counts;
}

async function measure(options: Options, teardown: Teardown): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-lost-answers-bench-'));
  teardown.add(() => rm(dir, { recursive: true, force: true }));
  const perRun = options.phones;
  const stack = await startScanStack({ dir, codes: 2 * hangUps.length * perRun, ingest: 'in-process', aofRewrite: 'between-runs', teardown, log: (line) => console.log(line) });
  console.log(`lost-answers: ${options.phones} phones per case, ${options.parallel} at a time, retry ${options.retryAfterMs} ms after the first try; ${os.cpus().length} cores`);
  const codes = [...stack.codes];
  const rows: string[][] = [];
  for (const [label, windowSeconds] of [
    ['redelivery (600 s window)', 600],
    [`baseline (marks expired: ${BASELINE_WINDOW_SECONDS} s window)`, BASELINE_WINDOW_SECONDS],
  ] as const) {
    const gateway = await stack.startGateway('inline', { redeliverWindowSeconds: windowSeconds });
    const port = Number(new URL(gateway.baseUrl).port);
    for (const hangUp of hangUps) {
      const counts = await phonesHangingUp(gateway.baseUrl, port, codes.splice(0, perRun), hangUp, options);
      rows.push([label, hangUp, ...fates.map((fate) => format(counts[fate]))]);
    }
    await stack.stopGateway(gateway);
  }
  printTable('phones by what their retry got', ['gateway', 'hang-up', ...fates], rows);
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  await runInterruptible((teardown) => measure(options, teardown));
}
