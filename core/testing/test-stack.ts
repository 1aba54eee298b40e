import type pg from 'pg';
import { runMigrations } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { createTestRedis, type TestRedis } from './test-redis.js';

/** A test file's own database (migrated unless asked not to) and its own Redis key prefix. */
export interface TestStack {
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly t: TestRedis;
  /** Ends the pool, drops the database, deletes the prefix's keys. */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  readonly poolMax?: number;
  readonly applicationName?: string;
  /** run the migrations (default true; the migration tests run them themselves) */
  readonly migrate?: boolean;
}

/** The "fresh database + Redis prefix" of a test file's beforeAll; its afterAll calls stop(). */
export async function createTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const [db, t] = await Promise.all([createTestDatabase(), createTestRedis()]);
  const pool = createPool(db.url, { max: options.poolMax ?? 4, ...(options.applicationName === undefined ? {} : { applicationName: options.applicationName }) });
  const stop = async () => {
    await pool.end();
    await Promise.all([db.drop(), t.cleanup()]);
  };
  if (options.migrate !== false) await runMigrations(pool).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { db, pool, t, stop };
}
