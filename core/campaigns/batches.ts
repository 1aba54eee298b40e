import type { Redis } from 'ioredis';
import type pg from 'pg';
import { ScangateError } from '../errors.js';
import { withTransaction } from '../db/transaction.js';
import { campaignKeys } from '../redis/keys.js';
import { mirrorBatches } from '../state/batch-mirror.js';

export type BatchStatus = 'inactive' | 'active';

export interface Batch {
  readonly id: number;
  readonly campaignId: string;
  readonly name: string;
  readonly region: string | null;
  readonly serialFirst: number;
  readonly serialLast: number;
  readonly printedCount: number;
  readonly honeypotCount: number;
  readonly status: BatchStatus;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly deactivatedAt: Date | null;
}

/** What the gateway needs to know about a batch when a code of it is scanned. */
export interface BatchIndexEntry {
  readonly campaignId: string;
  readonly name: string;
  readonly region: string | null;
  readonly status: BatchStatus;
  /** the serials minted for the batch: printed codes and honeypots */
  readonly serialFirst: number;
  readonly serialLast: number;
  readonly honeypotSerials: ReadonlySet<number>;
}

/**
 * Whether a serial was minted for the batch. A correctly signed code outside it was never
 * printed: whoever made it holds a signing key.
 */
export const batchHoldsSerial = (batch: BatchIndexEntry, serial: number): boolean =>
  (serial >= batch.serialFirst && serial <= batch.serialLast) || batch.honeypotSerials.has(serial);

/** Where setBatchStatus mirrors the change: the campaign's `batches` hash. */
export interface BatchRedisTarget {
  readonly client: Redis;
  readonly prefix: string;
}

/** Names are typed by people; an all-digit name would read as a batch id. */
const batchName = /^(?!\d+$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const batchColumns = `id, campaign_id, name, region, serial_first::float8 AS serial_first, serial_last::float8 AS serial_last,
  printed_count::float8 AS printed_count, honeypot_count, status, created_at, activated_at, deactivated_at`;

interface BatchRow {
  id: number;
  campaign_id: string;
  name: string;
  region: string | null;
  serial_first: number;
  serial_last: number;
  printed_count: number;
  honeypot_count: number;
  status: BatchStatus;
  created_at: Date;
  activated_at: Date | null;
  deactivated_at: Date | null;
}

const toBatch = (row: BatchRow): Batch => ({
  id: row.id,
  campaignId: row.campaign_id,
  name: row.name,
  region: row.region,
  serialFirst: row.serial_first,
  serialLast: row.serial_last,
  printedCount: row.printed_count,
  honeypotCount: row.honeypot_count,
  status: row.status,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  deactivatedAt: row.deactivated_at,
});

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Creates an inactive batch with serials 0 .. printed + honeypots - 1. Without a name it is called
 * `<campaign>-<id>`, which needs the id before the insert: hence the explicit nextval.
 */
export async function createBatch(
  db: Queryable,
  input: { campaignId: string; printedCount: number; honeypotCount?: number; name?: string; region?: string | null },
): Promise<Batch> {
  if (input.name !== undefined && !batchName.test(input.name))
    throw new ScangateError('GW_ERR_USAGE', `batch name "${input.name}": letters, digits, ".", "_", "-", not only digits, at most 64`);
  const honeypots = input.honeypotCount ?? 0;
  try {
    const { rows } = await db.query<BatchRow>(
      `WITH next AS (SELECT nextval(pg_get_serial_sequence('code_batches', 'id')) AS id)
       INSERT INTO code_batches (id, campaign_id, name, region, serial_first, serial_last, printed_count, honeypot_count)
       OVERRIDING SYSTEM VALUE
       SELECT next.id, $1, coalesce($2, $1 || '-' || next.id), $3, 0, $4::bigint + $5 - 1, $4, $5 FROM next
       RETURNING ${batchColumns}`,
      [input.campaignId, input.name ?? null, input.region ?? null, input.printedCount, honeypots],
    );
    return toBatch(rows[0] as BatchRow);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '23503') throw new ScangateError('GW_ERR_CAMPAIGN_UNKNOWN', input.campaignId);
    if (code === '23505') throw new ScangateError('GW_ERR_BATCH_EXISTS', input.name);
    throw err;
  }
}

/** A batch by id ("12", 12) or by name. */
function byRef(batchRef: string | number): { where: string; value: string | number } {
  return typeof batchRef === 'number' || /^\d+$/.test(batchRef)
    ? { where: 'id = $1', value: Number(batchRef) }
    : { where: 'name = $1', value: batchRef };
}

/**
 * Activates (at ship-out) or deactivates a batch: Postgres first, the record; then, when a Redis
 * target is given, the campaign's `batches` hash the gateway reads. Writes an audit row.
 */
export async function setBatchStatus(
  pool: pg.Pool,
  batchRef: string | number,
  active: boolean,
  redis?: BatchRedisTarget,
  actor = 'scangate',
): Promise<Batch> {
  const { where, value } = byRef(batchRef);
  const status: BatchStatus = active ? 'active' : 'inactive';
  const batch = await withTransaction(pool, async (client) => {
    const stampColumn = active ? 'activated_at' : 'deactivated_at';
    const { rows } = await client.query<BatchRow>(
      `UPDATE code_batches SET status = $2, ${stampColumn} = CASE WHEN status = $2 THEN ${stampColumn} ELSE now() END
       WHERE ${where} RETURNING ${batchColumns}`,
      [value, status],
    );
    const row = rows[0];
    if (!row) throw new ScangateError('GW_ERR_BATCH_UNKNOWN', String(batchRef));
    await client.query(`INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)`, [
      actor,
      active ? 'batch.activate' : 'batch.deactivate',
      `batch:${row.id}`,
      JSON.stringify({ name: row.name, campaign: row.campaign_id }),
    ]);
    return toBatch(row);
  });
  if (redis) {
    try {
      await mirrorBatches(redis.client, campaignKeys(redis.prefix, batch.campaignId).batches, new Map([[batch.id, active]]));
    } catch (err) {
      throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', `batch ${batch.name} is ${status} in Postgres but Redis was not updated: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return batch;
}

export async function listBatches(pool: pg.Pool, campaignId?: string): Promise<Batch[]> {
  const { rows } = await pool.query<BatchRow>(
    `SELECT ${batchColumns} FROM code_batches WHERE $1::text IS NULL OR campaign_id = $1 ORDER BY id`,
    [campaignId ?? null],
  );
  return rows.map(toBatch);
}

export async function getBatch(pool: pg.Pool, batchRef: string | number): Promise<Batch> {
  const { where, value } = byRef(batchRef);
  const { rows } = await pool.query<BatchRow>(`SELECT ${batchColumns} FROM code_batches WHERE ${where}`, [value]);
  const row = rows[0];
  if (!row) throw new ScangateError('GW_ERR_BATCH_UNKNOWN', String(batchRef));
  return toBatch(row);
}

/** Every batch with its honeypot serials, by batch id: the gateway's lookup for scanned codes. */
export async function loadBatchIndex(pool: pg.Pool): Promise<Map<number, BatchIndexEntry>> {
  const { rows } = await pool.query<{
    id: number;
    campaign_id: string;
    name: string;
    region: string | null;
    status: BatchStatus;
    serial_first: number;
    serial_last: number;
    honeypots: number[];
  }>(
    `SELECT b.id, b.campaign_id, b.name, b.region, b.status, b.serial_first::float8 AS serial_first, b.serial_last::float8 AS serial_last,
       coalesce(array_agg(h.serial::float8) FILTER (WHERE h.serial IS NOT NULL), '{}') AS honeypots
     FROM code_batches b LEFT JOIN honeypot_codes h ON h.batch_id = b.id
     GROUP BY b.id`,
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        campaignId: row.campaign_id,
        name: row.name,
        region: row.region,
        status: row.status,
        serialFirst: row.serial_first,
        serialLast: row.serial_last,
        honeypotSerials: new Set(row.honeypots),
      },
    ]),
  );
}
