import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../../config/app-config.js';
import { isScangateError, ScangateError } from '../../errors.js';
import { campaignKeys } from '../../redis/keys.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createTestRedis, testRedisUrl, type TestRedis } from '../../testing/test-redis.js';
import { runCli } from '../cli.js';
import { startStack } from './start.js';

let db: TestDatabase;
let t: TestRedis;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await createTestRedis();
  dir = mkdtempSync(path.join(os.tmpdir(), 'scangate-start-'));
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ redis: { keyPrefix: t.prefix }, publicUrl: 'https://scan.example.com' }));
  env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SCANGATE_DATA_DIR: path.join(dir, 'data'), SCANGATE_CONFIG: configFile };
});

afterAll(async () => {
  await db.drop();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function start() {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(['start'], { env, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('scangate start', () => {
  it('migrates, applies the demo campaign and mints a fresh active demo batch on every run', async () => {
    const first = await start();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('redis: using REDIS_URL');
    expect(first.stderr).not.toContain('stopped');
    const urls = first.stdout.trim().split('\n');
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(url).toMatch(/^HTTPS:\/\/SCAN\.EXAMPLE\.COM\/S\/[0-9A-Z]{30}$/);

    const csv = readFileSync(path.join(env.SCANGATE_DATA_DIR as string, 'demo-codes.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('code,url');
    expect(csv).toHaveLength(13);
    expect(csv.slice(1, 4).map((line) => line.split(',')[1])).toEqual(urls);

    const second = await start();
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain(urls[0]);

    expect(await query('SELECT id, current_version FROM campaigns')).toEqual([{ id: 'demo', current_version: 1 }]);
    const batches = await query<{ id: number }>('SELECT id, status, printed_count::int AS printed, honeypot_count AS honeypots FROM code_batches ORDER BY id');
    expect(batches).toEqual([
      { id: batches[0]?.id, status: 'active', printed: 12, honeypots: 2 },
      { id: batches[1]?.id, status: 'active', printed: 12, honeypots: 2 },
    ]);
    const inRedis = await t.redis.hgetall(campaignKeys(t.prefix, 'demo').batches);
    expect(inRedis).toEqual(Object.fromEntries(batches.map((b) => [String(b.id), '1'])));
  });

  it('stops before seeding when shutdown was asked for during start-up', async () => {
    const [before] = await query<{ n: number }>('SELECT count(*)::int AS n FROM code_batches');
    const controller = new AbortController();
    controller.abort(new ScangateError('GW_ERR_SHUTTING_DOWN', 'SIGINT received'));
    const outcome = await startStack(loadAppConfig(env), { info: () => undefined }, { signal: controller.signal }).catch((err: unknown) => err);
    expect(isScangateError(outcome, 'GW_ERR_SHUTTING_DOWN')).toBe(true);
    expect(await query('SELECT count(*)::int AS n FROM code_batches')).toEqual([before]);
  });
});
