import type { Campaign } from '../../config/campaign-schema.js';
import { invalidAttemptFlushSeconds } from '../../core/analytics/invalid-attempts.js';
import { html, raw, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import type { AnalyticsData } from './analytics-data.js';
import { maxRangeDays, rangeBuckets, selectionQuery, type Selection, type SelectionProblem, type SelectionQuery } from './analytics-selection.js';
import { invalidAttemptsMetric, kpiChange, kpiMetrics, sinceStartNote, type DataTable } from './analytics-tables.js';
import { analyticsTexts, type TableId } from './analytics-texts.js';
import { addDays, localDay, localMinute } from './campaign-days.js';
import { change, displayCell, int, isNumeric, ratio, type Cell } from './cells.js';
import { chartsPayload, hasChart, jsonForScript } from './chart-data.js';
import { sparkline } from './sparkline.js';

/** The sections under the cards, in reading order: the campaign's course, then the money, then where, when, fraud, who. */
export const pageSections: readonly TableId[] = ['outcomes', 'budget', 'diversion', 'offRegion', 'heatmap', 'reasons', 'reviews', 'segments', 'devices', 'batches', 'kpis'];

export const problemText = (locale: Locale, problem: SelectionProblem): string => {
  const problems = analyticsTexts[locale].problems;
  return problem === 'tooLong' ? problems.tooLong(maxRangeDays) : problems[problem];
};

/** The campaign and date pickers (a GET form: the URL is the view, to share or bookmark), with the last N days as links. */
export function pickers(locale: Locale, campaigns: readonly Campaign[], query: SelectionQuery, selection: Selection | null, today: string | null): Html {
  const texts = analyticsTexts[locale];
  const campaignId = selection?.campaign.id ?? query.campaign ?? '';
  const quick = (days: number) =>
    selection && today ? html`<a href="/analytics?${selectionQuery({ campaign: selection.campaign, from: addDays(today, -(days - 1)), to: today })}">${texts.lastDays(days)}</a>` : '';
  return html`<form class="filters analytics-pickers" method="get" action="/analytics">
<label>${texts.campaign}<select name="campaign">${campaigns.map((c) => html`<option value="${c.id}"${c.id === campaignId ? raw(' selected') : ''}>${c.name} (${c.id})</option>`)}</select></label>
<label>${texts.from}<input type="date" name="from" value="${selection?.from ?? query.from ?? ''}"></label>
<label>${texts.to}<input type="date" name="to" value="${selection?.to ?? query.to ?? ''}"></label>
<button type="submit">${texts.show}</button>
<span class="quick">${quick(7)} ${quick(30)}</span>
</form>`;
}

function tableHtml(table: DataTable, locale: Locale, timeZone: string): Html {
  if (table.rows.length === 0) return html`<p class="note">${analyticsTexts[locale].noData}</p>`;
  // a header sits over its numbers: right-aligned where the column holds numbers
  const numericColumn = (i: number) => table.rows.some((row) => row[i] !== undefined && isNumeric(row[i] as Cell));
  const cell = (value: Cell) => html`<td${isNumeric(value) ? raw(' class="num"') : value.kind === 'time' ? raw(' class="nowrap"') : ''}>${displayCell(value, locale, timeZone)}</td>`;
  return html`<div class="table-scroll"><table class="rows compact">
<thead><tr>${table.columns.map((column, i) => html`<th${numericColumn(i) ? raw(' class="num"') : ''}>${column}</th>`)}</tr></thead>
<tbody>${table.rows.map((row) => html`<tr>${row.map(cell)}</tr>`)}</tbody>
</table></div>`;
}

function section(id: TableId, table: DataTable, locale: Locale, selection: Selection, extra: Html = html``): Html {
  const texts = analyticsTexts[locale];
  const note = sinceStartNote(id, locale);
  const chart = hasChart(id) && table.rows.length > 0;
  // open without script; analytics.js folds a table once its chart is drawn
  return html`<section class="panel panel-${id}" id="${id}">
<h2>${texts.tables[id]} <a class="csv" href="/analytics/csv/${id}?${selectionQuery(selection)}" download>${texts.csv}</a></h2>
${note ? html`<p class="note">${note}</p>` : ''}${extra}
${chart ? html`<div class="chart" data-chart="${id}" role="img" aria-label="${texts.tables[id]}"></div>
<details class="table" open><summary>${texts.showTable}</summary>${tableHtml(table, locale, selection.campaign.window.timeZone)}</details>` : tableHtml(table, locale, selection.campaign.window.timeZone)}
</section>`;
}

interface KpiCard {
  readonly key: string;
  readonly label: string;
  readonly value: Cell;
  /** against the previous period; null when there is nothing to compare with */
  readonly delta: Cell;
  /** what the change line says instead of a change */
  readonly noChange: string;
  readonly trend?: readonly number[];
  /** where the number comes from, when not the rollups */
  readonly source?: string;
  /** a rise is bad news (coloured as a warning, a fall as good) */
  readonly worseWhenHigher?: boolean;
}

function kpiCard(card: KpiCard, locale: Locale, zone: string): Html {
  const texts = analyticsTexts[locale];
  const direction = card.delta.value === null || card.delta.value === 0 ? 'flat' : (card.delta.value as number) > 0 ? 'up' : 'down';
  const tone = direction === 'flat' ? 'flat' : (direction === 'up') !== (card.worseWhenHigher === true) ? 'good' : 'bad';
  return html`<div class="kpi" data-kpi="${card.key}">
<div class="kpi-label">${card.label}</div>
<div class="kpi-value">${displayCell(card.value, locale, zone)}</div>
<div class="kpi-change change-${direction} tone-${tone}">${card.delta.value === null ? card.noChange : html`${displayCell(card.delta, locale, zone)} ${texts.vsPrevious}`}</div>
${card.trend ? sparkline(card.trend, card.label) : ''}${card.source ? html`<div class="kpi-source">${card.source}</div>` : ''}
</div>`;
}

function kpiCards(data: Pick<AnalyticsData, 'overview' | 'kpiSeries' | 'invalidAttempts'>, locale: Locale, selection: Selection): Html {
  const texts = analyticsTexts[locale];
  const zone = selection.campaign.window.timeZone;
  const bucketNames = rangeBuckets(selection);
  const byBucket = new Map(data.kpiSeries.map((point) => [point.bucket, point]));
  const buckets = bucketNames.map((bucket) => byBucket.get(bucket));
  const trends: Partial<Record<string, number[]>> = {
    scans: buckets.map((p) => p?.scans ?? 0),
    codesRedeemed: buckets.map((p) => p?.codesRedeemed ?? 0),
    repeatScanRate: buckets.map((p) => (p && p.scans > 0 ? p.repeatScans / p.scans : 0)),
  };
  const rollupCards = kpiMetrics.map((metric): KpiCard => {
    const [current, previous] = [data.overview.current[metric.key], data.overview.previous[metric.key]];
    const trend = trends[metric.key];
    return {
      key: metric.key,
      label: texts.kpi[metric.key],
      value: metric.rate ? ratio(current) : int(current),
      delta: kpiChange(metric, current, previous),
      noChange: texts.noPrevious,
      worseWhenHigher: 'worseWhenHigher' in metric && metric.worseWhenHigher,
      ...(trend ? { trend } : {}),
    };
  });
  return html`<section class="kpis">${[...rollupCards, invalidAttemptsCard(data.invalidAttempts, locale, bucketNames)].map((card) => kpiCard(card, locale, zone))}</section>`;
}

/** The gateways' counters, labelled with their source (they never reach Postgres). */
function invalidAttemptsCard(read: AnalyticsData['invalidAttempts'], locale: Locale, bucketNames: readonly string[]): KpiCard {
  const texts = analyticsTexts[locale];
  const base = { key: invalidAttemptsMetric.key, label: texts.kpi.invalidAttempts };
  if (!('numbers' in read)) return { ...base, value: int(null), delta: change(null), noChange: '', source: texts.invalidUnavailable };
  const { current, previous, series } = read.numbers;
  const byBucket = new Map(series.map((point) => [point.bucket, point.attempts]));
  return {
    ...base,
    value: int(current),
    delta: kpiChange(invalidAttemptsMetric, current, previous),
    noChange: texts.noPrevious,
    worseWhenHigher: invalidAttemptsMetric.worseWhenHigher,
    trend: bucketNames.map((bucket) => byBucket.get(bucket) ?? 0),
    source: texts.invalidSource(invalidAttemptFlushSeconds),
  };
}

/** Where each number of the live table comes from, and how old it is (analytics.js keeps the ages current). */
function liveSources(data: Pick<AnalyticsData, 'committed' | 'live' | 'invalidAttempts'>, locale: Locale, zone: string, now: number): Html {
  const texts = analyticsTexts[locale];
  // the age as the server saw it (its clock, not the browser's); analytics.js adds the time since the page loaded
  const age = (at: Date) => {
    const seconds = Math.max(0, Math.round((now - at.getTime()) / 1000));
    return html`<time datetime="${at.toISOString()}">${localMinute(at.getTime(), zone)}</time> (<span class="age" data-age-seconds="${seconds}">${seconds} s</span> ${texts.ago})`;
  };
  const committed = data.committed;
  return html`<ul class="sources">
<li><strong>${texts.committedSource}</strong> — ${texts.readAt} ${age(committed.readAt)}${committed.newestHour ? html`; ${texts.newestHour} ${localMinute(committed.newestHour.getTime(), zone)}` : ''}</li>
<li><strong>${texts.liveSource}</strong> — ${'numbers' in data.live ? html`${texts.readAt} ${age(data.live.numbers.readAt)}` : texts.liveUnavailable}</li>
<li><strong>${texts.invalidLiveSource(invalidAttemptFlushSeconds)}</strong> — ${'numbers' in data.invalidAttempts ? html`${texts.readAt} ${age(data.invalidAttempts.numbers.readAt)}` : texts.invalidUnavailable}</li>
</ul>`;
}

export interface OverviewPageInput {
  readonly locale: Locale;
  readonly campaigns: readonly Campaign[];
  readonly selection: Selection;
  readonly data: AnalyticsData;
  readonly tables: Record<TableId, DataTable>;
  readonly now: number;
}

/** The campaign overview: pickers, KPI cards, live numbers, then a section (chart, table, CSV) per table. */
export function overviewPage(input: OverviewPageInput): Html {
  const { locale, selection, data, tables } = input;
  const texts = analyticsTexts[locale];
  const zone = selection.campaign.window.timeZone;
  const previousFrom = addDays(selection.from, -selection.days);
  const previousTo = addDays(selection.from, -1);
  return html`${pickers(locale, input.campaigns, {}, selection, localDay(input.now, zone))}
<p class="note range-note">${texts.rangeNote(zone, selection.days, previousFrom, previousTo)}</p>
${kpiCards(data, locale, selection)}
${section('live', tables.live, locale, selection, liveSources(data, locale, zone, input.now))}
<div class="panels">${pageSections.map((id) => section(id, tables[id], locale, selection))}</div>
<script type="application/json" id="analytics-charts">${raw(jsonForScript(chartsPayload(tables, locale)))}</script>
<script src="/vendor/echarts/dist/echarts.min.js" defer></script>
${locale === 'zh-CN' ? html`<script src="/vendor/echarts/i18n/langZH.js" defer></script>` : ''}
<script src="/static/analytics.js" defer></script>`;
}

/** A selection the page cannot show: the pickers again, and why (400). */
export function problemPage(locale: Locale, campaigns: readonly Campaign[], query: SelectionQuery, problem: SelectionProblem): Html {
  return html`${pickers(locale, campaigns, query, null, null)}
<p class="error" role="alert">${problemText(locale, problem)}</p>`;
}
