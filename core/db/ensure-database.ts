import pg from 'pg';
import { ScangateError } from '../errors.js';

/** Names `scangate migrate` may create: plain identifiers, so quoting is the only escaping needed. */
const databaseName = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

const alreadyExists = new Set(['42P04', '23505']); // duplicate_database; unique_violation when two create at once

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Creates the database named in `url` unless it exists, connecting to the server's `postgres`
 * database to do so. Safe to run from several processes at once.
 */
export async function ensureDatabase(url: string): Promise<{ database: string; created: boolean }> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!databaseName.test(database)) throw new ScangateError('GW_ERR_CONFIG', `database name "${database}" must be letters, digits, "_" or "-" (at most 63)`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new ScangateError('GW_ERR_DATABASE', `cannot connect to ${maintenance.host}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return { database, created: false };
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      return { database, created: true };
    } catch (err) {
      if (alreadyExists.has((err as { code?: string }).code ?? '')) return { database, created: false };
      throw err;
    }
  } finally {
    await client.end();
  }
}
