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
 * With today the campaign-local day of `now` (days, not hours, so the segments are sums over the
 * span counts): new: first scan on one of the last newWithinDays days; loyal: otherwise
 * ≥ loyalCodes codes redeemed and a scan on one of the last activeWithinDays days; active:
 * otherwise a scan on one of those days; lapsing: the rest.
 */
const segmentsQuery = `
  WITH today AS (SELECT ($2::timestamptz AT TIME ZONE time_zone)::date AS day FROM campaigns WHERE id = $1),
  segment_of AS (
    SELECT first_day, last_day, codes_redeemed, CASE
      WHEN first_day > today.day - $3::int THEN 'new'
      WHEN last_day > today.day - $4::int AND codes_redeemed >= $5 THEN 'loyal'
      WHEN last_day > today.day - $4::int THEN 'active'
      ELSE 'lapsing' END AS segment
    FROM (SELECT DISTINCT first_day, last_day, codes_redeemed FROM analytics_device_spans WHERE campaign_id = $1) spans, today
    WHERE first_day <= today.day
  ), devices AS (
    SELECT g.segment, sum(s.devices)::bigint AS devices, sum(s.devices * s.codes_redeemed)::bigint AS codes_redeemed
    FROM analytics_device_spans s JOIN segment_of g USING (first_day, last_day, codes_redeemed) WHERE s.campaign_id = $1 GROUP BY 1
  ), monetary AS (
    SELECT g.segment, t.unit, sum(p.prizes * t.value)::float8 AS value
    FROM analytics_device_span_prizes p JOIN segment_of g USING (first_day, last_day, codes_redeemed)
    JOIN prize_tiers t ON t.campaign_id = $1 AND t.tier_id = p.tier_id
    WHERE p.campaign_id = $1 GROUP BY 1, 2
  )
  SELECT d.segment, d.devices, d.codes_redeemed, coalesce(jsonb_object_agg(m.unit, m.value) FILTER (WHERE m.unit IS NOT NULL), '{}') AS value
  FROM devices d LEFT JOIN monetary m USING (segment) GROUP BY 1, 2, 3 ORDER BY 1`;

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
