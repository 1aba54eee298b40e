import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { ensureDatabase } from './ensure-database.js';
import { runMigrations } from './migrate.js';
import { ensureScanEventPartitions } from './partitions.js';
import { createPool } from './pool.js';

let stack: TestStack;
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 8, migrate: false });
  ({ db, pool } = stack);
});

afterAll(() => stack.stop());

async function partitions(): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'scan_events'::regclass ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

describe('runMigrations', () => {
  it('applies every migration once, even when several runs race, and is a no-op after', async () => {
    const now = new Date('2030-03-01T23:30:00Z');
    const runs = await Promise.all([1, 2, 3].map(() => runMigrations(pool, { now })));
    const applied = runs.flatMap((run) => run.applied);
    expect(applied).toContain('001_initial');
    expect(new Set(applied).size).toBe(applied.length);
    expect(await runMigrations(pool, { now })).toEqual({ applied: [] });
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.name)).toEqual(applied.sort());
  });

  it('has partitions of scan_events from the day before to a week ahead (UTC days)', async () => {
    const names = await partitions();
    for (const day of ['20300228', '20300301', '20300302', '20300308']) expect(names).toContain(`scan_events_${day}`);
    expect(names).not.toContain('scan_events_20300309');
    // the current day's partition exists too (runMigrations with no `now` in the other tests)
    await runMigrations(pool);
    expect(await partitions()).toContain(`scan_events_${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
  });

  it('routes an event to its UTC day and creates partitions idempotently from concurrent callers', async () => {
    const day = new Date('2031-06-15T12:00:00Z');
    const created = await Promise.all([1, 2, 3].map(() => ensureScanEventPartitions(pool, day, day)));
    expect(created.flat()).toEqual(['scan_events_20310615']);
    await pool.query(
      `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class)
       VALUES ('2031-06-16T07:59:59+08:00', 1, 1, 0, 1, 0, false, false, 'c', '1-0', 'X', 'd', '10.0.0.1', 'mobile')`,
    );
    const { rows } = await pool.query<{ table: string }>(`SELECT tableoid::regclass::text AS table FROM scan_events WHERE event_id = '1-0'`);
    expect(rows).toEqual([{ table: 'scan_events_20310615' }]);
    await expect(ensureScanEventPartitions(pool, day, new Date('2040-01-01'))).rejects.toThrow(/bad day range/);
  });

  it('refuses an applied migration that was edited, and rolls back one that fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scangate-migrations-'));
    try {
      writeFileSync(path.join(dir, '001_initial.sql'), 'SELECT 1');
      await expect(runMigrations(pool, { directory: dir })).rejects.toThrow(/001_initial changed after it was applied/);
      const scratch = await createTestDatabase();
      const scratchPool = createPool(scratch.url, { max: 2 });
      try {
        writeFileSync(path.join(dir, '001_initial.sql'), 'CREATE TABLE scan_events (scanned_at timestamptz) PARTITION BY RANGE (scanned_at)');
        writeFileSync(path.join(dir, '002_broken.sql'), 'CREATE TABLE half (n int); SELECT no_such_function()');
        await expect(runMigrations(scratchPool, { directory: dir })).rejects.toThrow(/002_broken: function no_such_function/);
        const { rows } = await scratchPool.query(`SELECT version FROM schema_migrations ORDER BY version`);
        expect(rows).toEqual([{ version: 1 }]);
        expect((await scratchPool.query(`SELECT to_regclass('half') AS t`)).rows).toEqual([{ t: null }]);
      } finally {
        await scratchPool.end();
        await scratch.drop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database once, and refuses names that are not plain identifiers', async () => {
    const url = new URL(db.url);
    url.pathname = `/${db.name}_made`;
    const made = { url: url.toString(), name: `${db.name}_made` };
    try {
      const results = await Promise.all([1, 2].map(() => ensureDatabase(made.url)));
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(await ensureDatabase(made.url)).toEqual({ database: made.name, created: false });
    } finally {
      await pool.query(`DROP DATABASE IF EXISTS ${made.name} WITH (FORCE)`);
    }
    url.pathname = '/bad";DROP';
    await expect(ensureDatabase(url.toString())).rejects.toThrow(/must be letters, digits/);
  });
});
