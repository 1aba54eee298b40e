import type { BatchStatus } from '../../core/campaigns/batches.js';
import { invalidAttemptRetentionDays } from '../../core/analytics/invalid-attempts.js';
import type { OverviewKpis } from '../../core/analytics/overview.js';
import { Outcome, outcomeNames, type OutcomeName } from '../../core/scan/outcomes.js';
import { batchTexts } from '../batches/batches-page.js';
import type { Locale } from '../i18n/locale.js';
import { maskAddress, shortenDevice } from '../pii.js';
import { reviewTexts } from '../review/review-texts.js';
import type { AnalyticsData, DataKey } from './analytics-data.js';
import { paceDays } from './analytics-data.js';
import { rangeBuckets, type Selection } from './analytics-selection.js';
import { analyticsTexts, type TableId } from './analytics-texts.js';
import { change, date, decimal, int, points, ratio, text, time, type Cell } from './cells.js';

export interface TableContext {
  readonly locale: Locale;
  readonly selection: Selection;
  /** viewers: device ids shortened, addresses cut to /24 or /48 (admin/pii.ts) */
  readonly masked: boolean;
  readonly now: Date;
}

/** One table of the pages: the same rows are shown as HTML and exported as CSV. */
export interface DataTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

interface TableDefinition<K extends DataKey> {
  readonly needs: readonly K[];
  /** the table covers the whole campaign up to now, whatever the range (said under its title) */
  readonly sinceStart?: true;
  build(data: Pick<AnalyticsData, K>, context: TableContext): DataTable;
}

const define = <K extends DataKey>(definition: TableDefinition<K>): TableDefinition<DataKey> => definition as unknown as TableDefinition<DataKey>;

const outcomeOrder = (Object.values(Outcome).filter((o) => typeof o === 'number') as Outcome[]).map((o) => outcomeNames[o]);
const byOutcomeOrder = (a: string, b: string) => outcomeOrder.indexOf(a as OutcomeName) - outcomeOrder.indexOf(b as OutcomeName);

const hour = 3_600_000;

/** A value per unit as one cell: '888 CNY · 300 points'. */
function perUnit(value: Readonly<Record<string, number>>, locale: Locale): Cell {
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: false });
  const parts = Object.entries(value)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([unit, amount]) => `${format.format(amount)} ${unit}`);
  return text(parts.join(' · '));
}

/** Cards and table share these: which KPI, and whether it is a count (relative change) or a rate (points). */
export const kpiMetrics = [
  { key: 'scans', rate: false },
  { key: 'uniqueDevices', rate: false },
  { key: 'newDevices', rate: false },
  { key: 'returningDevices', rate: false },
  { key: 'codesRedeemed', rate: false },
  { key: 'scanConversion', rate: true },
  // more repeat scans means more clones, replays and confused buyers: a rise is bad news
  { key: 'repeatScanRate', rate: true, worseWhenHigher: true },
] as const satisfies readonly { key: keyof OverviewKpis; rate: boolean; worseWhenHigher?: boolean }[];

export type KpiKey = (typeof kpiMetrics)[number]['key'];

/** Invalid-code attempts: a count, like scans, but from the gateways' counters rather than the rollups. */
export const invalidAttemptsMetric = { key: 'invalidAttempts', rate: false, worseWhenHigher: true } as const;

/** The change shown for a KPI: relative for counts (none from 0), percentage points for rates. */
export function kpiChange(metric: { readonly rate: boolean }, current: number | null, previous: number | null): Cell {
  if (current === null || previous === null) return metric.rate ? points(null) : change(null);
  if (metric.rate) return points(current - previous);
  return change(previous === 0 ? null : (current - previous) / previous);
}

const regionLabel = (region: string, locale: Locale, empty: 'noRegion' | 'unknownRegion') => (region === '' ? analyticsTexts[locale][empty] : region);

export const analyticsTables: Record<TableId, TableDefinition<DataKey>> = {
  kpis: define({
    needs: ['overview', 'invalidAttempts'],
    build({ overview, invalidAttempts }, { locale }) {
      const texts = analyticsTexts[locale];
      const invalid = 'numbers' in invalidAttempts ? invalidAttempts.numbers : null;
      return {
        columns: [texts.columns.metric, texts.columns.value, texts.columns.previous, texts.columns.change],
        rows: [
          ...kpiMetrics.map((metric) => {
            const cell = metric.rate ? ratio : int;
            const [current, previous] = [overview.current[metric.key], overview.previous[metric.key]];
            return [text(texts.kpi[metric.key]), cell(current), cell(previous), kpiChange(metric, current, previous)];
          }),
          [text(texts.invalidAttemptsRow), int(invalid?.current ?? null), int(invalid?.previous ?? null), kpiChange(invalidAttemptsMetric, invalid?.current ?? null, invalid?.previous ?? null)],
        ],
      };
    },
  }),

  live: define({
    needs: ['committed', 'live', 'burn', 'invalidAttempts'],
    sinceStart: true,
    build({ committed, live, burn, invalidAttempts }, { locale }) {
      const texts = analyticsTexts[locale];
      const numbers = 'numbers' in live ? live.numbers : null;
      const row = (label: string, stored: number, now: number | undefined): Cell[] => [text(label), int(stored), int(numbers ? (now ?? 0) : null), int(numbers ? (now ?? 0) - stored : null)];
      const outcomes = [...new Set([...Object.keys(committed.outcomes), ...Object.keys(numbers?.outcomes ?? {})])].sort(byOutcomeOrder);
      return {
        columns: [texts.columns.metric, texts.columns.committed, texts.columns.live, texts.columns.gap],
        rows: [
          ...outcomes.map((name) => row(texts.liveRows.outcome(texts.outcomeWords[name as OutcomeName] ?? name), committed.outcomes[name] ?? 0, numbers?.outcomes[name])),
          ...burn.map((tier) => row(texts.liveRows.issued(tier.tierId), tier.issued, numbers?.issued[tier.tierId])),
          ...burn.map((tier) => row(texts.liveRows.held(tier.tierId), tier.held, numbers?.held[tier.tierId])),
          // nothing committed to set it beside: Postgres never sees an invalid code
          [text(texts.liveRows.invalidAttempts(invalidAttemptRetentionDays)), int(null), int('numbers' in invalidAttempts ? invalidAttempts.numbers.kept : null), int(null)],
        ],
      };
    },
  }),

  outcomes: define({
    needs: ['outcomeSeries'],
    build({ outcomeSeries }, { locale, selection }) {
      const texts = analyticsTexts[locale];
      const outcomes = [...new Set(outcomeSeries.map((point) => point.outcome))].sort(byOutcomeOrder);
      // every bucket of the range, the empty ones too, so a chart's gaps are visible
      const buckets = new Map(rangeBuckets(selection).map((bucket) => [bucket, new Map<string, number>()]));
      for (const point of outcomeSeries) buckets.get(point.bucket)?.set(point.outcome, point.scans);
      return {
        columns: [texts.columns.bucket, ...outcomes.map((o) => texts.outcomeWords[o]), texts.columns.scans],
        // a day's bucket is named by its day alone
        rows: [...buckets].map(([bucket, counts]) => [text(selection.grain === 'day' ? bucket.slice(0, 10) : bucket), ...outcomes.map((o) => int(counts.get(o) ?? 0)), int([...counts.values()].reduce((a, b) => a + b, 0))]),
      };
    },
  }),

  budget: define({
    needs: ['burn'],
    sinceStart: true,
    build({ burn }, { locale }) {
      const c = analyticsTexts[locale].columns;
      return {
        columns: [c.tier, c.kind, c.prizeValue, c.unit, c.inventory, c.issued, c.held, c.used, c.valueSpent, c.perDay, c.runsOut],
        rows: burn.map((tier) => [
          text(tier.tierId),
          text(tier.kind),
          decimal(tier.value),
          text(tier.unit),
          int(tier.inventory),
          int(tier.issued),
          int(tier.held),
          ratio(tier.inventory === 0 ? null : tier.issued / tier.inventory),
          decimal(tier.valueSpent),
          decimal(tier.perDay),
          date(tier.runsOutAt),
        ]),
      };
    },
  }),

  diversion: define({
    needs: ['diversion'],
    build({ diversion }, { locale }) {
      const c = analyticsTexts[locale].columns;
      const shipped = [...new Set(diversion.matrix.map((cell) => cell.shippedTo))].sort();
      const scanned = [...new Set(diversion.matrix.map((cell) => cell.scannedIn))].sort();
      const scans = new Map(diversion.matrix.map((cell) => [`${cell.shippedTo}\n${cell.scannedIn}`, cell.scans]));
      return {
        columns: [`${c.shippedTo} \\ ${c.scannedIn}`, ...scanned.map((region) => regionLabel(region, locale, 'unknownRegion'))],
        rows: shipped.map((from) => [text(regionLabel(from, locale, 'noRegion')), ...scanned.map((to) => int(scans.get(`${from}\n${to}`) ?? 0))]),
      };
    },
  }),

  offRegion: define({
    needs: ['diversion', 'batches'],
    build({ diversion, batches }, { locale }) {
      const c = analyticsTexts[locale].columns;
      const names = new Map(batches.map((batch) => [batch.batchId, batch.name]));
      return {
        columns: [c.batch, c.name, c.shippedTo, c.located, c.offRegion, c.offRegionShare],
        rows: diversion.batches.map((batch) => [int(batch.batchId), text(names.get(batch.batchId) ?? null), text(batch.shippedTo), int(batch.located), int(batch.offRegion), ratio(batch.offRegionShare)]),
      };
    },
  }),

  heatmap: define({
    needs: ['heatmap'],
    build({ heatmap }, { locale }) {
      const texts = analyticsTexts[locale];
      const scans = new Map(heatmap.map((cell) => [cell.weekday * 24 + cell.hour, cell.scans]));
      const hours = Array.from({ length: 24 }, (_, h) => h);
      return {
        columns: [texts.columns.weekday, ...hours.map((h) => String(h).padStart(2, '0'))],
        rows: texts.weekdays.map((day, i) => [text(day), ...hours.map((h) => int(scans.get((i + 1) * 24 + h) ?? 0))]),
      };
    },
  }),

  reasons: define({
    needs: ['reasons'],
    build({ reasons }, { locale }) {
      const texts = analyticsTexts[locale];
      const words = reviewTexts[locale].reasonWords;
      return {
        columns: [texts.columns.outcome, texts.columns.reason, texts.columns.scans, texts.columns.rate],
        rows: reasons.map((row) => [text(texts.outcomeWords[row.outcome]), text(words[row.reason] ?? row.reason), int(row.scans), ratio(row.rate)]),
      };
    },
  }),

  reviews: define({
    needs: ['reviews'],
    build({ reviews }, { locale, now }) {
      const texts = analyticsTexts[locale];
      const oldestAge = reviews.oldestHeldAt ? (now.getTime() - reviews.oldestHeldAt.getTime()) / hour : null;
      return {
        columns: [texts.columns.metric, texts.columns.value],
        rows: [
          [text(texts.reviewRows.approved), int(reviews.approved)],
          [text(texts.reviewRows.rejected), int(reviews.rejected)],
          [text(texts.reviewRows.approvalRate), ratio(reviews.approvalRate)],
          [text(texts.reviewRows.backlog), int(reviews.backlog)],
          [text(texts.reviewRows.oldestAge), decimal(oldestAge)],
        ],
      };
    },
  }),

  segments: define({
    needs: ['segments'],
    sinceStart: true,
    build({ segments }, { locale }) {
      const texts = analyticsTexts[locale];
      const c = texts.columns;
      return {
        columns: [c.segment, c.devices, c.codesRedeemed, c.valueSpent],
        rows: segments.map((row) => [text(texts.segmentWords[row.segment]), int(row.devices), int(row.codesRedeemed), perUnit(row.value, locale)]),
      };
    },
  }),

  devices: define({
    needs: ['topDevices'],
    sinceStart: true,
    build({ topDevices }, { locale, masked }) {
      const c = analyticsTexts[locale].columns;
      return {
        columns: [c.device, c.firstSeen, c.lastSeen, c.scans, c.codesRedeemed, c.valueSpent, c.lastAddress],
        rows: topDevices.map((device) => [
          text(masked ? shortenDevice(device.deviceId) : device.deviceId),
          time(device.firstSeen),
          time(device.lastSeen),
          int(device.scans),
          int(device.codesRedeemed),
          perUnit(device.value, locale),
          text(device.lastAddress === null ? null : masked ? maskAddress(device.lastAddress) : device.lastAddress),
        ]),
      };
    },
  }),

  batches: define({
    needs: ['batches'],
    sinceStart: true,
    build({ batches }, { locale }) {
      const c = analyticsTexts[locale].columns;
      return {
        columns: [c.batch, c.name, c.region, c.status, c.printed, c.scans, c.codesRedeemed, c.conversion],
        rows: batches.map((batch) => [
          int(batch.batchId),
          text(batch.name),
          text(batch.region),
          text(batchTexts[locale].statuses[batch.status as BatchStatus] ?? batch.status),
          int(batch.printed),
          int(batch.scans),
          int(batch.codesRedeemed),
          ratio(batch.conversion),
        ]),
      };
    },
  }),
};

export const tableIds = Object.keys(analyticsTables) as TableId[];

export const isTableId = (value: string): value is TableId => value in analyticsTables;

/** What a note under a table says about its time span. */
export const sinceStartNote = (id: TableId, locale: Locale): string | null => {
  const texts = analyticsTexts[locale];
  if (id === 'budget') return `${texts.asOfNow} ${texts.paceNote(paceDays)}`;
  if (id === 'segments') return texts.segmentNote;
  if (id === 'devices') return texts.devicesNote;
  if (id === 'batches') return texts.batchNote;
  return analyticsTables[id].sinceStart ? texts.asOfNow : null;
};
