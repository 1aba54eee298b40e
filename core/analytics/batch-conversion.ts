import type pg from 'pg';

export interface BatchConversion {
  readonly batchId: number;
  readonly name: string;
  readonly region: string | null;
  readonly status: string;
  /** printed codes (honeypots excluded) */
  readonly printed: number;
  readonly scans: number;
  readonly codesRedeemed: number;
  /** codes redeemed ÷ printed codes of an active batch (null when inactive) */
  readonly conversion: number | null;
}


/** Every batch of the campaign with its scans and codes redeemed so far. */
export async function readBatchConversion(pool: pg.Pool, campaignId: string): Promise<BatchConversion[]> {
  const { rows } = await pool.query<{ id: number; name: string; region: string | null; status: string; printed_count: string; scans: string | null; redeemed: string | null }>(
    `SELECT b.id, b.name, b.region, b.status, b.printed_count, h.scans, h.redeemed
     FROM code_batches b LEFT JOIN (
       SELECT batch_id, sum(scans)::bigint AS scans, sum(codes_redeemed)::bigint AS redeemed
       FROM analytics_hourly_batches WHERE campaign_id = $1 GROUP BY 1) h ON h.batch_id = b.id
     WHERE b.campaign_id = $1 ORDER BY b.id`,
    [campaignId],
  );
  return rows.map((row) => {
    const printed = Number(row.printed_count);
    const codesRedeemed = Number(row.redeemed ?? 0);
    return {
      batchId: row.id,
      name: row.name,
      region: row.region,
      status: row.status,
      printed,
      scans: Number(row.scans ?? 0),
      codesRedeemed,
      conversion: row.status === 'active' ? codesRedeemed / printed : null,
    };
  });
}
