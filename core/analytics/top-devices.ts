import type pg from 'pg';

/** One device's RFM (recency, frequency, monetary) over the whole campaign, from its rollup row. */
export interface DeviceRfm {
  readonly deviceId: string;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly scans: number;
  readonly codesRedeemed: number;
  /** prizes won or reserved, priced with the tiers: value per unit */
  readonly value: Readonly<Record<string, number>>;
  /** the address of its newest scan (a per-device drill-down: one index lookup in scan_events) */
  readonly lastAddress: string | null;
}

/** The partial index analytics_devices_top (migration 012) holds the devices with at least this many codes redeemed. */
const indexedFrom = 2;

/** The first `$2` devices of the campaign in the table's order among those `codes` selects, each priced and with its newest address. */
const devicesQuery = (codes: string) => `
  SELECT d.device_id, d.first_seen, d.last_seen, d.scans, d.codes_redeemed,
    (SELECT coalesce(jsonb_object_agg(unit, total), '{}') FROM (
       SELECT t.unit, sum(t.value)::float8 AS total FROM unnest(d.prizes) AS p(tier_id)
       JOIN prize_tiers t ON t.campaign_id = d.campaign_id AND t.tier_id = p.tier_id GROUP BY t.unit) m) AS value,
    (SELECT host(e.ip) FROM scan_events e WHERE e.device_id = d.device_id AND e.campaign_id = d.campaign_id AND e.scanned_at >= d.last_seen
     ORDER BY e.scanned_at DESC LIMIT 1) AS last_address
  FROM (SELECT * FROM analytics_devices WHERE campaign_id = $1 AND ${codes} ORDER BY codes_redeemed DESC, scans DESC, device_id LIMIT $2) d
  ORDER BY d.codes_redeemed DESC, d.scans DESC, d.device_id`;

interface DeviceRow {
  device_id: string;
  first_seen: Date;
  last_seen: Date;
  scans: string;
  codes_redeemed: string;
  value: Record<string, number>;
  last_address: string | null;
}

/**
 * The campaign's devices with the most codes redeemed (then scans): the top of the RFM table.
 * Reads analytics_devices, one row per device: the repeat redeemers first, in the order of their
 * partial index; the others (every device read: a campaign that young is small) only when fewer
 * than `limit` devices redeemed two codes or more. Only the shown devices touch scan_events, from
 * their newest scan's time (last_seen) on.
 */
export async function readTopDevices(pool: pg.Pool, campaignId: string, limit = 20): Promise<DeviceRfm[]> {
  const { rows } = await pool.query<DeviceRow>(devicesQuery(`codes_redeemed >= ${indexedFrom}`), [campaignId, limit]);
  if (rows.length < limit) rows.push(...(await pool.query<DeviceRow>(devicesQuery(`codes_redeemed < ${indexedFrom}`), [campaignId, limit - rows.length])).rows);
  return rows.map((row) => ({
    deviceId: row.device_id,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    scans: Number(row.scans),
    codesRedeemed: Number(row.codes_redeemed),
    value: row.value,
    lastAddress: row.last_address,
  }));
}
