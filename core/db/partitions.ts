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

/**
 * Fewer days of scan events than this are never pruned. An entry the ingest committed but did
 * not acknowledge (a crash between COMMIT and XACK) is written again when reclaimed; were its
 * day pruned meanwhile, the event would be inserted again and counted twice in the rollups.
 * A week is far beyond any reclaim, and beyond an outage the ingest would not have been paged for.
 */
export const MIN_RETENTION_DAYS = 7;

/**
 * Drops the scan_events partitions of UTC days that ended `olderThanDays` days or more before
 * `now`'s day, and records where the kept events start (scan_events_retention) so a rollup rebuild or audit of
 * a campaign reaching before it is refused. Rollups, redemptions and reviews stay.
 * Returns the tables dropped.
 */
export async function pruneScanEventPartitions(pool: pg.Pool, olderThanDays: number, now: Date): Promise<string[]> {
  if (!Number.isSafeInteger(olderThanDays) || olderThanDays < MIN_RETENTION_DAYS)
    throw new ScangateError('GW_ERR_USAGE', `scan events are kept at least ${MIN_RETENTION_DAYS} days, got ${olderThanDays}`);
  const cutoffDay = Math.floor(now.getTime() / DAY_MS) - olderThanDays;
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'scan_events'::regclass AND c.relname ~ '^scan_events_[0-9]{8}$' ORDER BY 1`,
    );
    const cutoffName = `scan_events_${isoDay(cutoffDay).replaceAll('-', '')}`;
    const dropped = rows.map((row) => row.name).filter((name) => name < cutoffName);
    // Names come from the catalogue and match the pattern above: no quoting needed.
    for (const name of dropped) await client.query(`DROP TABLE ${name}`);
    if (dropped.length === 0) return dropped;
    const lastDropped = dropped[dropped.length - 1] as string;
    const prunedBefore = Date.UTC(Number(lastDropped.slice(12, 16)), Number(lastDropped.slice(16, 18)) - 1, Number(lastDropped.slice(18, 20))) + DAY_MS;
    await client.query(
      `INSERT INTO scan_events_retention (pruned_before) VALUES ($1)
       ON CONFLICT (singleton) DO UPDATE SET pruned_before = greatest(scan_events_retention.pruned_before, excluded.pruned_before)`,
      [new Date(prunedBefore)],
    );
    return dropped;
  });
}
