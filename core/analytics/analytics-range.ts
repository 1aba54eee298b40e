/**
 * What every analytics query takes: a campaign and a half-open time range [from, to). Hourly
 * rollups count the UTC hours starting in it; device counts the campaign-local days it touches,
 * so ranges on local midnights (what the pages pick) give both the same span.
 */
export interface AnalyticsRange {
  readonly campaignId: string;
  readonly from: Date;
  readonly to: Date;
}

/** The range of the same length just before: the KPI cards' comparison. */
export function previousRange(range: AnalyticsRange): AnalyticsRange {
  const length = range.to.getTime() - range.from.getTime();
  return { campaignId: range.campaignId, from: new Date(range.from.getTime() - length), to: range.from };
}

export const rangeParams = (range: AnalyticsRange): [string, Date, Date] => [range.campaignId, range.from, range.to];

