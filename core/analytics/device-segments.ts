import type pg from 'pg';

/** RFM segments of devices (the product has no consumer identity yet); thresholds in days / codes. */
export const segmentRules = { newWithinDays: 7, activeWithinDays: 30, loyalCodes: 5 } as const;

export type Segment = 'new' | 'loyal' | 'active' | 'lapsing';

export interface SegmentCount {
  readonly segment: Segment;
  readonly devices: number;
  readonly codesRedeemed: number;
  /** prizes won or reserved, priced with the tiers: value per unit */
  readonly value: Readonly<Record<string, number>>;
}

/**
 * new: first scan within newWithinDays; loyal: otherwise, ≥ loyalCodes codes redeemed and a scan
 * within activeWithinDays; active: otherwise a scan within activeWithinDays; lapsing: the rest.
 */
const segmentsQuery = `
  WITH devices AS (
    SELECT device_id, codes_redeemed, CASE
      WHEN first_seen >= $2::timestamptz - make_interval(days => $3) THEN 'new'
      WHEN last_seen >= $2::timestamptz - make_interval(days => $4) AND codes_redeemed >= $5 THEN 'loyal'
      WHEN last_seen >= $2::timestamptz - make_interval(days => $4) THEN 'active'
      ELSE 'lapsing' END AS segment
    FROM analytics_devices WHERE campaign_id = $1 AND first_seen < $2
  ), monetary AS (
    SELECT d.segment, t.unit, sum(p.prizes * t.value)::float8 AS value
    FROM devices d JOIN analytics_device_prizes p ON p.campaign_id = $1 AND p.device_id = d.device_id
    JOIN prize_tiers t ON t.campaign_id = $1 AND t.tier_id = p.tier_id
    GROUP BY 1, 2
  )
  SELECT s.segment, s.devices, s.codes_redeemed, coalesce(jsonb_object_agg(m.unit, m.value) FILTER (WHERE m.unit IS NOT NULL), '{}') AS value
  FROM (SELECT segment, count(*) AS devices, sum(codes_redeemed)::bigint AS codes_redeemed FROM devices GROUP BY 1) s
  LEFT JOIN monetary m USING (segment) GROUP BY 1, 2, 3 ORDER BY 1`;

/** Device counts per RFM segment as of `now`. */
export async function readDeviceSegments(pool: pg.Pool, campaignId: string, now: Date): Promise<SegmentCount[]> {
  const { rows } = await pool.query<{ segment: Segment; devices: string; codes_redeemed: string; value: Record<string, number> }>(segmentsQuery, [
    campaignId,
    now,
    segmentRules.newWithinDays,
    segmentRules.activeWithinDays,
    segmentRules.loyalCodes,
  ]);
  return rows.map((row) => ({ segment: row.segment, devices: Number(row.devices), codesRedeemed: Number(row.codes_redeemed), value: row.value }));
}
