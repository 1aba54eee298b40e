import type pg from 'pg';
import { campaignEventsPrunedBefore } from './pruned-events.js';
import {
  campaignDevices,
  campaignReviews,
  campaignScans,
  campaignScanSummary,
  deviceRollups,
  deviceStateRollup,
  reviewRollups,
  storedRollupRows,
  summaryRollups,
  type Rollup,
} from './rollups.js';

export interface RollupDifference {
  readonly table: string;
  /** rows in the rollup that a recomputation does not give */
  readonly extra: number;
  /** rows a recomputation gives that the rollup lacks (or holds with other values) */
  readonly missing: number;
}

export interface RollupComparison {
  /** set when events the rollups count were pruned: nothing was compared */
  readonly prunedBefore: Date | null;
  readonly differences: readonly RollupDifference[];
}

function differenceQuery(rollup: Rollup, source: string): string {
  const columns = [...rollup.key, ...rollup.measures.map((m) => m.name)].join(', ');
  const stored = storedRollupRows(rollup, columns);
  const recomputed = `WITH src AS (${source}) ${rollup.select('src')}`;
  return `SELECT (SELECT count(*) FROM (${stored} EXCEPT ALL (${recomputed})) e) AS extra,
                 (SELECT count(*) FROM ((${recomputed}) EXCEPT ALL ${stored}) m) AS missing`;
}

/**
 * Compares every rollup of a campaign with a recomputation from scan_events and review_decisions
 * (the device counts: from analytics_devices, itself compared with scan_events),
 * in one REPEATABLE READ snapshot (the ingest commits events and rollups together, so a
 * consistent snapshot must match exactly). Returns the tables that differ; compares nothing
 * when events the rollups count were pruned.
 */
export async function compareRollups(pool: pg.Pool, campaignId: string): Promise<RollupComparison> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const prunedBefore = await campaignEventsPrunedBefore(client, campaignId);
    if (prunedBefore !== null) {
      await client.query('COMMIT');
      return { prunedBefore, differences: [] };
    }
    const differences: RollupDifference[] = [];
    const sources: [readonly Rollup[], string][] = [
      [summaryRollups, campaignScanSummary],
      [[deviceStateRollup], campaignScans],
      [deviceRollups, campaignDevices],
      [reviewRollups, campaignReviews],
    ];
    for (const [rollups, source] of sources)
      for (const rollup of rollups) {
        const { rows } = await client.query<{ extra: string; missing: string }>(differenceQuery(rollup, source), [campaignId]);
        const extra = Number(rows[0]?.extra);
        const missing = Number(rows[0]?.missing);
        if (extra > 0 || missing > 0) differences.push({ table: rollup.table, extra, missing });
      }
    await client.query('COMMIT');
    return { prunedBefore, differences };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
