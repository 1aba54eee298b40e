import type { AnalyticsRange } from '../../core/analytics/analytics-range.js';
import type { Campaign } from '../../config/campaign-schema.js';
import { addDays, daysBetween, localDay, localMidnight, parseDay } from './campaign-days.js';

/** What the pickers send; the route schema has checked the shapes, this checks the meaning. */
export interface SelectionQuery {
  readonly campaign?: string;
  readonly from?: string;
  readonly to?: string;
}

export const defaultDays = 7;
/** The longest range a page answers (the rollups are hourly: a quarter is ~2,200 hours per series). */
export const maxRangeDays = 92;

/** A campaign and a range of its local days, both ends included, and the instants the queries take. */
export interface Selection {
  readonly campaign: Campaign;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly range: AnalyticsRange;
  /** hours for a range of one or two days, else days */
  readonly grain: 'hour' | 'day';
}

export type SelectionProblem = 'noCampaign' | 'unknownCampaign' | 'badDate' | 'reversed' | 'tooLong';

/**
 * The selection a query asks for. Defaults: the first campaign; the last `defaultDays` local days
 * up to today (or ending at `to`, or starting at `from`).
 */
export function resolveSelection(campaigns: readonly Campaign[], query: SelectionQuery, now: number): { selection: Selection } | { problem: SelectionProblem } {
  const campaign = query.campaign ? campaigns.find((c) => c.id === query.campaign) : campaigns[0];
  if (!campaign) return { problem: campaigns.length === 0 ? 'noCampaign' : 'unknownCampaign' };
  if ((query.from && parseDay(query.from) === null) || (query.to && parseDay(query.to) === null)) return { problem: 'badDate' };
  const zone = campaign.window.timeZone;
  const to = query.to || (query.from ? addDays(query.from, defaultDays - 1) : localDay(now, zone));
  const from = query.from || addDays(to, -(defaultDays - 1));
  const days = daysBetween(from, to);
  if (days < 1) return { problem: 'reversed' };
  if (days > maxRangeDays) return { problem: 'tooLong' };
  return {
    selection: {
      campaign,
      from,
      to,
      days,
      range: { campaignId: campaign.id, from: localMidnight(from, zone), to: localMidnight(addDays(to, 1), zone) },
      grain: days <= 2 ? 'hour' : 'day',
    },
  };
}

/** The query string that shows this selection (links to other views of it, CSV exports). */
export const selectionQuery = (selection: Pick<Selection, 'campaign' | 'from' | 'to'>): string =>
  new URLSearchParams({ campaign: selection.campaign.id, from: selection.from, to: selection.to }).toString();

/** Every bucket of the selection's grain, as the time-series queries name them ('YYYY-MM-DD HH:00', local). */
export function rangeBuckets(selection: Pick<Selection, 'from' | 'days' | 'grain'>): string[] {
  const days = Array.from({ length: selection.days }, (_, i) => addDays(selection.from, i));
  if (selection.grain === 'day') return days.map((day) => `${day} 00:00`);
  return days.flatMap((day) => Array.from({ length: 24 }, (_, h) => `${day} ${String(h).padStart(2, '0')}:00`));
}
