import type pg from 'pg';

/**
 * When scan events of the campaign were pruned (`scangate partitions prune`): the time before
 * which its rollups hold days whose events are gone, or null when its events are all there.
 * A rebuild would lose those days and an audit would count them as extra, so both decline.
 */
export async function campaignEventsPrunedBefore(client: pg.ClientBase, campaignId: string): Promise<Date | null> {
  const { rows } = await client.query<{ pruned_before: Date }>(
    `SELECT r.pruned_before FROM scan_events_retention r
     WHERE EXISTS (SELECT 1 FROM analytics_devices d WHERE d.campaign_id = $1 AND d.first_seen < r.pruned_before)`,
    [campaignId],
  );
  return rows[0]?.pruned_before ?? null;
}
