import type pg from 'pg';
import { ScangateError } from '../errors.js';
import { withTransaction } from './transaction.js';

const DAY_MS = 86_400_000;
/** More than this at once is a bad date, not a plan: refuse rather than create years of tables. */
const MAX_DAYS = 400;
/** pg_advisory_xact_lock key: partition creation is serialised across processes. */
const PARTITION_LOCK = 0x5c4e_0002;

const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Creates the daily partitions of scan_events (`scan_events_YYYYMMDD`, UTC days) covering every
 * day from `from` to `to` inclusive that does not have one yet. Bounds are written with an
 * explicit UTC offset, so the session's time zone cannot shift them. Returns the tables created.
 */
export async function ensureScanEventPartitions(pool: pg.Pool, from: Date, to: Date): Promise<string[]> {
  const first = Math.floor(from.getTime() / DAY_MS);
  const last = Math.floor(to.getTime() / DAY_MS);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first || last - first >= MAX_DAYS)
    throw new ScangateError('GW_ERR_INTERNAL', `scan_events partitions: bad day range (${from.getTime()} .. ${to.getTime()} ms)`);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'scan_events'::regclass`,
    );
    const existing = new Set(rows.map((row) => row.name));
    const created: string[] = [];
    for (let day = first; day <= last; day++) {
      const name = `scan_events_${isoDay(day).replaceAll('-', '')}`;
      if (existing.has(name)) continue;
      // Identifiers and bounds are built from integers only; DDL takes no parameters.
      await client.query(
        `CREATE TABLE ${name} PARTITION OF scan_events FOR VALUES FROM ('${isoDay(day)} 00:00:00+00') TO ('${isoDay(day + 1)} 00:00:00+00')`,
      );
      created.push(name);
    }
    return created;
  });
}
