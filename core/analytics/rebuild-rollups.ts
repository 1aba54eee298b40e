import type pg from 'pg';
import { withTransaction } from '../db/transaction.js';
import { ScangateError } from '../errors.js';
import { campaignEventsPrunedBefore } from './pruned-events.js';
import { allRollups, campaignReviews, campaignScans, lockCampaignRollupsExclusive, reviewRollups, upsertRollupsFrom, upsertScanRollupsFrom } from './rollups.js';

/**
 * `scangate analytics rebuild`: recomputes a campaign's rollups from scan_events and
 * review_decisions in one transaction, holding the campaign's rollup lock so no ingest batch
 * commits in between (its rows would be counted twice or not at all). Pages read the old rollups
 * until the COMMIT. Refused once events its rollups count were pruned. Returns the scan events and reviews counted.
 */
export async function rebuildRollups(pool: pg.Pool, campaignId: string): Promise<{ scans: number; reviews: number }> {
  return withTransaction(pool, async (client) => {
    await client.query(lockCampaignRollupsExclusive, [campaignId]);
    const prunedBefore = await campaignEventsPrunedBefore(client, campaignId);
    if (prunedBefore !== null) throw new ScangateError('GW_ERR_EVENTS_PRUNED', `${campaignId}: events before ${prunedBefore.toISOString()} are gone`);
    for (const rollup of allRollups) await client.query(`DELETE FROM ${rollup.table} WHERE campaign_id = $1`, [campaignId]);
    const count = async (source: string, upserts: string): Promise<number> => {
      const { rows } = await client.query<{ n: string }>(`WITH src AS (${source}) ${upserts} SELECT count(*) AS n FROM src`, [campaignId]);
      return Number(rows[0]?.n);
    };
    return { scans: await count(campaignScans, upsertScanRollupsFrom('src')), reviews: await count(campaignReviews, upsertRollupsFrom(reviewRollups, 'src')) };
  });
}
