import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../core/testing/test-database.js';
import { createTestRedis, testRedisUrl, type TestRedis } from '../../core/testing/test-redis.js';
import { runCli } from '../cli/cli.js';

/** What a test of `scangate` commands needs: a database, a key prefix, and the environment they run with. */
export interface CliTestEnv {
  readonly db: TestDatabase;
  readonly t: TestRedis;
  /** a temp dir with the config file; the data dir is `<dir>/data` */
  readonly dir: string;
  /** DATABASE_URL, REDIS_URL, SCANGATE_DATA_DIR and SCANGATE_CONFIG (key prefix, publicUrl https://scan.example.com) */
  readonly env: Readonly<Record<string, string>>;
  /** a query on the test database, on a connection of its own */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function createCliTestEnv(name: string): Promise<CliTestEnv> {
  const db = await createTestDatabase();
  const t = await createTestRedis();
  const dir = mkdtempSync(path.join(os.tmpdir(), `scangate-${name}-`));
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ redis: { keyPrefix: t.prefix }, publicUrl: 'https://scan.example.com' }));
  return {
    db,
    t,
    dir,
    env: { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SCANGATE_DATA_DIR: path.join(dir, 'data'), SCANGATE_CONFIG: configFile },
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      await db.drop();
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What one `scangate` run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scangate <argv>` in this process with `env` (and `stdinText` on its standard input), capturing what it prints. */
export async function runCliCaptured(argv: string[], env: Readonly<Record<string, string>>, stdinText?: string): Promise<CliRun> {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const stdin = stdinText === undefined ? {} : { stdin: Readable.from([stdinText]) };
  const code = await runCli(argv, { env, ...stdin, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
