import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { ScangateError } from '../errors.js';
import { repoPath } from '../paths.js';
import { ensureScanEventPartitions } from './partitions.js';

const migrationFile = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** pg_advisory_lock key: one migrator at a time across every process on the database. */
const MIGRATION_LOCK = 0x5c4e_0001;
const DAY_MS = 86_400_000;

interface Migration {
  readonly version: number;
  /** file name without ".sql", e.g. "001_initial" */
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

function readMigrations(directory: string): Migration[] {
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .map((file): Migration => {
      const match = migrationFile.exec(file);
      if (!match) throw new ScangateError('GW_ERR_MIGRATION', `migration ${file} is not named NNN_name.sql`);
      const sql = readFileSync(path.join(directory, file), 'utf8');
      return { version: Number(match[1]), name: file.slice(0, -'.sql'.length), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, i) => {
    if (migration.version === migrations[i - 1]?.version) throw new ScangateError('GW_ERR_MIGRATION', `two migrations numbered ${migration.version}`);
  });
  return migrations;
}

/** The runner keeps its own bookkeeping table, so it exists before the first migration runs. */
const createBookkeeping = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Applies the numbered SQL files in core/db/migrations that the database has not seen, each in
 * its own transaction with its schema_migrations row, under a session advisory lock (concurrent
 * runs wait, then find nothing to do). An applied file that was edited since is an error: fix it
 * with a new migration. Then makes sure scan_events has partitions from yesterday to a week ahead.
 */
export async function runMigrations(
  pool: pg.Pool,
  options: { directory?: string; now?: Date } = {},
): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.directory ?? repoPath('core/db/migrations'));
  const applied: string[] = [];
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(createBookkeeping);
      const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
      const done = new Map(rows.map((row) => [row.version, row.checksum]));
      for (const migration of migrations) {
        const checksum = done.get(migration.version);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) throw new ScangateError('GW_ERR_MIGRATION', `migration ${migration.name} changed after it was applied`);
          continue;
        }
        await applyOne(client, migration);
        applied.push(migration.name);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  const now = (options.now ?? new Date()).getTime();
  await ensureScanEventPartitions(pool, new Date(now - DAY_MS), new Date(now + 7 * DAY_MS));
  return { applied };
}

async function applyOne(client: pg.PoolClient, migration: Migration): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw new ScangateError('GW_ERR_MIGRATION', `${migration.name}: ${(err as Error).message}`, { cause: err });
  }
}
