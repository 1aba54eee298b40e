import type { Locale } from '../i18n/locale.js';
import type { DataTable } from './analytics-tables.js';
import { analyticsTexts, type TableId } from './analytics-texts.js';
import type { Cell } from './cells.js';

/**
 * What admin/static/analytics.js draws, built from the same tables the page shows (so a chart
 * never says something its table does not). Three shapes cover every chart.
 */
export type ChartSpec =
  /** bars per category, one series each (stacked: one bar per category); percent: values are 0..100 */
  | { readonly type: 'bars'; readonly categories: readonly string[]; readonly series: readonly { readonly name: string; readonly data: readonly number[] }[]; readonly stacked: boolean; readonly horizontal: boolean; readonly percent: boolean }
  /** a grid of counts: cells [x index, y index, value] */
  | { readonly type: 'matrix'; readonly x: readonly string[]; readonly y: readonly string[]; readonly cells: readonly (readonly [number, number, number])[] }
  | { readonly type: 'pie'; readonly items: readonly { readonly name: string; readonly value: number }[] };

export interface ChartsPayload {
  /** ECharts' locale name */
  readonly locale: 'ZH' | 'EN';
  readonly charts: Partial<Record<TableId, ChartSpec>>;
}

const numberOf = (cell: Cell | undefined): number => (typeof cell?.value === 'number' ? cell.value : 0);
const label = (cell: Cell | undefined): string => (typeof cell?.value === 'string' ? cell.value : '');
const percent = (cell: Cell | undefined): number => Math.round(numberOf(cell) * 1000) / 10;

function matrix(table: DataTable): ChartSpec {
  return {
    type: 'matrix',
    x: table.columns.slice(1),
    y: table.rows.map((row) => label(row[0])),
    cells: table.rows.flatMap((row, y) => row.slice(1).map((cell, x) => [x, y, numberOf(cell)] as const)),
  };
}

const chartBuilders: Partial<Record<TableId, (table: DataTable, locale: Locale) => ChartSpec>> = {
  outcomes: (table) => ({
    type: 'bars',
    categories: table.rows.map((row) => label(row[0])),
    // the last column is the total: the stack shows it
    series: table.columns.slice(1, -1).map((name, i) => ({ name, data: table.rows.map((row) => numberOf(row[i + 1])) })),
    stacked: true,
    horizontal: false,
    percent: false,
  }),
  budget: (table, locale) => {
    const c = analyticsTexts[locale].columns;
    const inventory = (row: readonly Cell[]) => numberOf(row[4]) || 1;
    return {
      type: 'bars',
      categories: table.rows.map((row) => label(row[0])),
      series: [
        { name: c.issued, data: table.rows.map((row) => Math.round(((numberOf(row[5]) - numberOf(row[6])) / inventory(row)) * 1000) / 10) },
        { name: c.held, data: table.rows.map((row) => Math.round((numberOf(row[6]) / inventory(row)) * 1000) / 10) },
      ],
      stacked: true,
      horizontal: true,
      percent: true,
    };
  },
  diversion: matrix,
  heatmap: matrix,
  offRegion: (table, locale) => ({
    type: 'bars',
    categories: table.rows.map((row) => label(row[1]) || String(numberOf(row[0]))),
    series: [{ name: analyticsTexts[locale].columns.offRegionShare, data: table.rows.map((row) => percent(row[5])) }],
    stacked: false,
    horizontal: false,
    percent: true,
  }),
  reasons: (table) => {
    const reasons = [...new Set(table.rows.map((row) => label(row[1])))];
    const outcomes = [...new Set(table.rows.map((row) => label(row[0])))];
    const scans = new Map(table.rows.map((row) => [`${label(row[0])}\n${label(row[1])}`, numberOf(row[2])]));
    return {
      type: 'bars',
      categories: reasons,
      series: outcomes.map((outcome) => ({ name: outcome, data: reasons.map((reason) => scans.get(`${outcome}\n${reason}`) ?? 0) })),
      stacked: true,
      horizontal: true,
      percent: false,
    };
  },
  segments: (table) => ({ type: 'pie', items: table.rows.map((row) => ({ name: label(row[0]), value: numberOf(row[1]) })) }),
  batches: (table, locale) => ({
    type: 'bars',
    categories: table.rows.map((row) => label(row[1])),
    series: [{ name: analyticsTexts[locale].columns.conversion, data: table.rows.map((row) => percent(row[7])) }],
    stacked: false,
    horizontal: false,
    percent: true,
  }),
};

export const hasChart = (id: TableId): boolean => id in chartBuilders;

export function chartsPayload(tables: Partial<Record<TableId, DataTable>>, locale: Locale): ChartsPayload {
  const charts: Partial<Record<TableId, ChartSpec>> = {};
  for (const [id, table] of Object.entries(tables) as [TableId, DataTable][]) {
    const build = chartBuilders[id];
    if (build && table.rows.length > 0) charts[id] = build(table, locale);
  }
  return { locale: locale === 'zh-CN' ? 'ZH' : 'EN', charts };
}

/** JSON for a <script type="application/json"> block: no '<' inside, so no '</script>' can end it early. */
export const jsonForScript = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
