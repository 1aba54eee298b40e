import type { Campaign } from '../../config/campaign-schema.js';
import { html, raw, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import type { AnalyticsData } from './analytics-data.js';
import { maxRangeDays, rangeBuckets, selectionQuery, type Selection, type SelectionProblem, type SelectionQuery } from './analytics-selection.js';
import { kpiChange, kpiMetrics, sinceStartNote, type DataTable } from './analytics-tables.js';
import { analyticsTexts, type TableId } from './analytics-texts.js';
import { addDays, localDay, localMinute } from './campaign-days.js';
import { displayCell, int, isNumeric, ratio, type Cell } from './cells.js';
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

function kpiCards(data: Pick<AnalyticsData, 'overview' | 'kpiSeries'>, locale: Locale, selection: Selection): Html {
  const texts = analyticsTexts[locale];
  const zone = selection.campaign.window.timeZone;
  const byBucket = new Map(data.kpiSeries.map((point) => [point.bucket, point]));
  const buckets = rangeBuckets(selection).map((bucket) => byBucket.get(bucket));
  const trends: Partial<Record<string, number[]>> = {
    scans: buckets.map((p) => p?.scans ?? 0),
    codesRedeemed: buckets.map((p) => p?.codesRedeemed ?? 0),
    repeatScanRate: buckets.map((p) => (p && p.scans > 0 ? p.repeatScans / p.scans : 0)),
  };
  return html`<section class="kpis">${kpiMetrics.map((metric) => {
    const current = data.overview.current[metric.key];
    const previous = data.overview.previous[metric.key];
    const delta = kpiChange(metric, current, previous);
    const direction = delta.value === null || delta.value === 0 ? 'flat' : (delta.value as number) > 0 ? 'up' : 'down';
    const trend = trends[metric.key];
    return html`<div class="kpi" data-kpi="${metric.key}">
<div class="kpi-label">${texts.kpi[metric.key]}</div>
<div class="kpi-value">${displayCell(metric.rate ? ratio(current) : int(current), locale, zone)}</div>
<div class="kpi-change change-${direction}">${delta.value === null ? texts.noPrevious : html`${displayCell(delta, locale, zone)} ${texts.vsPrevious}`}</div>
${trend ? sparkline(trend, texts.kpi[metric.key]) : ''}
</div>`;
  })}</section>`;
}

/** Where each number of the live table comes from, and how old it is (analytics.js keeps the ages current). */
function liveSources(data: Pick<AnalyticsData, 'committed' | 'live'>, locale: Locale, zone: string, now: number): Html {
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
