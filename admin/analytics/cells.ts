import type { Locale } from '../i18n/locale.js';
import { localDay, localMinute } from './campaign-days.js';

/**
 * A table cell and what it holds: the page formats it for people (grouping, percents, local
 * times), the CSV export writes the plain value (numbers a spreadsheet can sum, ISO times).
 */
export type Cell =
  | { readonly kind: 'text'; readonly value: string | null }
  | { readonly kind: 'int' | 'decimal' | 'ratio' | 'change' | 'points'; readonly value: number | null }
  | { readonly kind: 'time' | 'date'; readonly value: Date | null };

export const text = (value: string | null): Cell => ({ kind: 'text', value });
export const int = (value: number | null): Cell => ({ kind: 'int', value });
export const decimal = (value: number | null): Cell => ({ kind: 'decimal', value });
/** a share, 0..1 */
export const ratio = (value: number | null): Cell => ({ kind: 'ratio', value });
/** a relative change against the previous period (0.25 = +25 %) */
export const change = (value: number | null): Cell => ({ kind: 'change', value });
/** a change of a rate, in percentage points (0.012 = +1.2 pp) */
export const points = (value: number | null): Cell => ({ kind: 'points', value });
export const time = (value: Date | null): Cell => ({ kind: 'time', value });
/** a day, shown as the campaign-local date */
export const date = (value: Date | null): Cell => ({ kind: 'date', value });

export const isNumeric = (cell: Cell): boolean => cell.kind !== 'text' && cell.kind !== 'time' && cell.kind !== 'date';

const pointsWord: Record<Locale, string> = { 'zh-CN': '个百分点', en: 'pp' };

/** The cell as the page shows it, in the locale and the campaign's time zone ('–' for nothing). */
export function displayCell(cell: Cell, locale: Locale, timeZone: string): string {
  if (cell.value === null) return '–';
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'int':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(cell.value);
    case 'decimal':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(cell.value);
    case 'ratio':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(cell.value);
    case 'change':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(cell.value);
    case 'points':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(cell.value * 100)} ${pointsWord[locale]}`;
    case 'time':
      return localMinute(cell.value.getTime(), timeZone);
    case 'date':
      return localDay(cell.value.getTime(), timeZone);
  }
}

const plain = (value: number, digits: number): string => String(Number(value.toFixed(digits)));

/** The cell as the CSV export writes it ('' for nothing). */
export function csvValue(cell: Cell, timeZone: string): string {
  if (cell.value === null) return '';
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'int':
      return String(cell.value);
    case 'decimal':
      return plain(cell.value, 2);
    case 'ratio':
    case 'change':
    case 'points':
      return plain(cell.value, 6);
    case 'time':
      return cell.value.toISOString();
    case 'date':
      return localDay(cell.value.getTime(), timeZone);
  }
}
