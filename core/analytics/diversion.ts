import type pg from 'pg';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

export interface DiversionCell {
  /** where the batch was shipped ('' when the batch has no region) */
  readonly shippedTo: string;
  /** where it was scanned ('' when the scan's location is unknown) */
  readonly scannedIn: string;
  readonly scans: number;
}

export interface BatchDiversion {
  readonly batchId: number;
  readonly shippedTo: string;
  /** scans with a known region */
  readonly located: number;
  readonly offRegion: number;
  /** offRegion ÷ located (null when no scan of the batch has a region) */
  readonly offRegionShare: number | null;
}

const cellsQuery = `
  SELECT coalesce(b.region, '') AS shipped_to, h.region AS scanned_in, sum(h.scans)::bigint AS scans
  FROM analytics_hourly_batches h LEFT JOIN code_batches b ON b.id = h.batch_id
  WHERE h.campaign_id = $1 AND h.hour >= $2 AND h.hour < $3
  GROUP BY 1, 2 ORDER BY 1, 2`;

/** Per batch with a region: scans located, and those located elsewhere. */
const batchesQuery = `
  SELECT h.batch_id, b.region AS shipped_to, sum(h.scans) FILTER (WHERE h.region <> '')::bigint AS located,
    sum(h.scans) FILTER (WHERE h.region <> '' AND h.region <> b.region)::bigint AS off_region
  FROM analytics_hourly_batches h JOIN code_batches b ON b.id = h.batch_id
  WHERE h.campaign_id = $1 AND h.hour >= $2 AND h.hour < $3 AND b.region IS NOT NULL
  GROUP BY 1, 2 ORDER BY 1`;

/** The anti-diversion view (防窜货): shipped region × scanned region, and each batch's off-region share. */
export async function readDiversion(pool: pg.Pool, range: AnalyticsRange): Promise<{ matrix: DiversionCell[]; batches: BatchDiversion[] }> {
  const [cells, batches] = await Promise.all([
    pool.query<{ shipped_to: string; scanned_in: string; scans: string }>(cellsQuery, rangeParams(range)),
    pool.query<{ batch_id: number; shipped_to: string; located: string | null; off_region: string | null }>(batchesQuery, rangeParams(range)),
  ]);
  return {
    matrix: cells.rows.map((row) => ({ shippedTo: row.shipped_to, scannedIn: row.scanned_in, scans: Number(row.scans) })),
    batches: batches.rows.map((row) => {
      const located = Number(row.located ?? 0);
      const offRegion = Number(row.off_region ?? 0);
      return { batchId: row.batch_id, shippedTo: row.shipped_to, located, offRegion, offRegionShare: located === 0 ? null : offRegion / located };
    }),
  };
}
