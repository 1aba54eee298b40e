import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../../config/app-config.js';
import { isScangateError, ScangateError } from '../../../core/errors.js';
import { eventually, within } from '../../../core/testing/bounded.js';
import { spawnScangate } from '../../faults/scangate-process.js';
import { campaignKeys } from '../../../core/redis/keys.js';
import { findFreePort } from '../../../core/services/free-port.js';
import { scanJson } from '../../testing/scan-client.js';
import { createCliTestEnv, type CliTestEnv } from '../../testing/cli-test-env.js';
import type { TestRedis } from '../../../core/testing/test-redis.js';
import { startStack } from './start.js';

let setup: CliTestEnv;
let t: TestRedis;
let dir: string;
let env: Readonly<Record<string, string>>;

beforeAll(async () => {
  setup = await createCliTestEnv('start');
  ({ t, dir, env } = setup);
});

afterAll(() => setup?.close());

const urlLine = /^HTTPS:\/\/SCAN\.EXAMPLE\.COM\/S\/[0-9A-Z]{30}$/;

/**
 * `scangate start` as `npm start` runs it, in its own process: waits for the printed scan URLs,
 * scans the first one over HTTP, then stops it with Ctrl-C (SIGINT).
 */
async function start() {
  const [port, opsPort, adminPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const logFile = path.join(dir, `start-${port}.log`);
  const child = spawnScangate(['start'], { ...env, PORT: String(port), OPS_PORT: String(opsPort), ADMIN_PORT: String(adminPort) }, logFile);
  const output = () => readFileSync(logFile, 'utf8');
  const urls = () => output().split('\n').filter((line) => urlLine.test(line));
  try {
    if (!(await eventually(async () => urls().length === 3 || !child.isRunning(), 30_000)) || !child.isRunning())
      throw new Error(`start printed no scan URLs:\n${child.logTail()}`);
    const code = (urls()[0] as string).slice((urls()[0] as string).lastIndexOf('/') + 1);
    const scan = await scanJson(`http://127.0.0.1:${port}`, code, { path: 'S' });
    const consoleLogin = (await fetch(`http://127.0.0.1:${adminPort}/login`)).status;
    const exit = await within(child.kill('SIGINT'), 10_000, 'start stopping on SIGINT');
    return { exit, urls: urls(), scan, consoleLogin, adminPort, output: output() };
  } finally {
    await child.kill('SIGKILL');
  }
}


describe('scangate start', () => {
  it('migrates, applies the demo campaign, mints a fresh active demo batch on every run, serves it, and stops on Ctrl-C', async () => {
    const first = await start();
    expect(first.exit).toEqual({ code: 0, signal: null });
    expect(first.output).toContain('redis: using REDIS_URL');
    // it found both services through the environment, so it stops no server of its own
    expect(first.output).not.toMatch(/^stopped (redis-server|the embedded Postgres)/m);
    const urls = first.urls;
    expect(urls).toHaveLength(3);
    // the gateway it started decides the printed codes
    expect(first.scan.status).toBe(200);
    // and the admin console beside it, on its own port, with the demo login printed
    expect(first.consoleLogin).toBe(200);
    expect(first.output).toContain(`http://127.0.0.1:${first.adminPort}`);
    expect(['won', 'no_prize', 'held']).toContain(first.scan.body.outcome);

    const csv = readFileSync(path.join(env.SCANGATE_DATA_DIR as string, 'demo-codes.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('code,url');
    expect(csv).toHaveLength(13);
    expect(csv.slice(1, 4).map((line) => line.split(',')[1])).toEqual(urls);

    const second = await start();
    expect(second.exit).toEqual({ code: 0, signal: null });
    expect(second.urls).not.toContain(urls[0]);

    expect(await setup.query('SELECT id, current_version FROM campaigns')).toEqual([{ id: 'demo', current_version: 1 }]);
    const batches = await setup.query<{ id: number }>('SELECT id, status, printed_count::int AS printed, honeypot_count AS honeypots FROM code_batches ORDER BY id');
    expect(batches).toEqual([
      { id: batches[0]?.id, status: 'active', printed: 12, honeypots: 2 },
      { id: batches[1]?.id, status: 'active', printed: 12, honeypots: 2 },
    ]);
    const inRedis = await t.redis.hgetall(campaignKeys(t.prefix, 'demo').batches);
    expect(inRedis).toEqual(Object.fromEntries(batches.map((b) => [String(b.id), '1'])));
  });

  it('stops before seeding when shutdown was asked for during start-up', async () => {
    const [before] = await setup.query<{ n: number }>('SELECT count(*)::int AS n FROM code_batches');
    const controller = new AbortController();
    controller.abort(new ScangateError('GW_ERR_SHUTTING_DOWN', 'SIGINT received'));
    const outcome = await startStack(loadAppConfig(env), { info: () => undefined }, { signal: controller.signal }).catch((err: unknown) => err);
    expect(isScangateError(outcome, 'GW_ERR_SHUTTING_DOWN')).toBe(true);
    expect(await setup.query('SELECT count(*)::int AS n FROM code_batches')).toEqual([before]);
  });
});
