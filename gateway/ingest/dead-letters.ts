import type pg from 'pg';

/** A stream entry the ingest gave up on: kept whole with the reason, never dropped. */
export interface DeadLetter {
  readonly campaignId: string;
  readonly streamId: string;
  readonly payload: Buffer;
  readonly error: string;
  readonly deliveries: number;
}

/** Idempotent: a letter written twice (the XACK after it was lost) stays one row. */
export async function writeDeadLetters(pool: pg.Pool, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await pool.query(
    `INSERT INTO ingest_dead_letters (campaign_id, stream_id, payload, error, deliveries)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::int[])
     ON CONFLICT (campaign_id, stream_id) DO NOTHING`,
    [
      letters.map((l) => l.campaignId),
      letters.map((l) => l.streamId),
      letters.map((l) => l.payload),
      letters.map((l) => l.error.slice(0, 2000)),
      letters.map((l) => l.deliveries),
    ],
  );
}
