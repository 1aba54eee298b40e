import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/test-database.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { openCampaignHistory } from './campaign-history.js';

let stack: TestStack;
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 2, applicationName: 'history-under-test' });
  ({ db, pool } = stack);
});

afterAll(() => stack.stop());

it('a snapshot whose connection dies between queries fails its next query instead of crashing the process', async () => {
  const history = await openCampaignHistory(pool, 'any');
  expect(await history.batches()).toEqual(new Map());
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'history-under-test' AND datname = $1`, [db.name]);
  } finally {
    await admin.end();
  }
  // The server's goodbye arrives while no query runs.
  await sleep(200);
  await expect(history.issued()).rejects.toThrow();
  await history.close();
  // The pool dropped the dead connection and serves again.
  expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
});
