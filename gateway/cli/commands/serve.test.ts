import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../core/services/free-port.js';
import { compiledPath } from '../../../core/testing/compiled.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../../testing/gateway-harness.js';
import { scanJson } from '../../testing/scan-client.js';
import { testRedisUrl } from '../../../core/testing/test-redis.js';

let harness: GatewayHarness;
let batch: TestBatch;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batch = await harness.addBatch(testCampaign('serve'), { count: 50 });
});

/** Every serve started, stopped after each test even when an assertion failed before its own stop. */
const started = new Set<ChildProcess>();
afterEach(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  started.clear();
});

afterAll(() => harness?.close());

interface LogLine {
  pid: number;
  msg: string;
  port?: number;
}

/**
 * `scangate serve` as production runs it: the compiled CLI in its own process, logging JSON lines.
 * Ready once it says it listens and, with several processes, each of them has said so too: a
 * process's own line comes down another pipe than the message that lets the primary log its
 * line, and may arrive after it.
 */
async function startServe(args: string[], processes = 1): Promise<{ child: ChildProcess; port: number; opsPort: number; lines: LogLine[]; exited: Promise<number | null>; ready: Promise<void> }> {
  const [port, opsPort] = [await findFreePort(), await findFreePort()];
  const configFile = path.join(harness.config.dataDir, `serve-${port}.json`);
  await writeFile(configFile, JSON.stringify({ port, opsPort, host: '127.0.0.1', redis: { keyPrefix: harness.config.redis.keyPrefix }, ingest: { enabled: false } }));
  const child = spawn(process.execPath, [compiledPath('gateway/cli/main.js'), 'serve', ...args], {
    env: { PATH: process.env.PATH, SCANGATE_CONFIG: configFile, SCANGATE_DATA_DIR: harness.config.dataDir, DATABASE_URL: harness.config.databaseUrl, REDIS_URL: testRedisUrl() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.add(child);
  const lines: LogLine[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      for (const line of complete) {
        const entry = JSON.parse(line) as LogLine;
        lines.push(entry);
        if (processes === 1 ? /^gateway listening on port/.test(entry.msg) : listeningProcesses(lines) === processes && primaryListening(lines)) resolve();
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
  return { child, port, opsPort, lines, exited, ready };
}

const listeningProcesses = (lines: readonly LogLine[]) => new Set(lines.filter((line) => line.msg.startsWith('gateway process listening on port')).map((line) => line.pid)).size;
const primaryListening = (lines: readonly LogLine[]) => lines.some((line) => /^\d+ gateway processes listening on port/.test(line.msg));

describe('scangate serve', () => {
  it('runs N processes on one port, sums their metrics, and exits 0 on SIGTERM', async () => {
    const serve = await startServe(['--processes', '2'], 2);
    await serve.ready;
    const workers = serve.lines.filter((line) => line.msg === `gateway process listening on port ${serve.port}`);
    expect(new Set(workers.map((line) => line.pid)).size).toBe(2);
    expect(workers.map((line) => line.pid)).not.toContain(serve.child.pid);

    const base = `http://127.0.0.1:${serve.port}`;
    const replies = await Promise.all(Array.from({ length: 20 }, () => scanJson(base, batch.fresh())));
    expect(replies.map((reply) => reply.body.outcome)).toEqual(Array(20).fill('won'));
    const metrics = await (await fetch(`http://127.0.0.1:${serve.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/^scangate_scans_total\{outcome="won"\} 20$/m);

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('runs one process by default and stops on SIGINT with exit code 0', async () => {
    const serve = await startServe([]);
    await serve.ready;
    expect((await scanJson(`http://127.0.0.1:${serve.port}`, batch.fresh())).body.outcome).toBe('won');
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(0);
  });
});
