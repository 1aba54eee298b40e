import type { PrizeAnswer } from '../http/scan-answer.js';
import type { Locale } from './locale.js';
import type { PageText } from './messages.js';

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | null>();

/** Intl formatters are costly to build and pages are rendered per scan: one per locale and option set. */
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, build: () => T): T | null {
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = build();
    } catch {
      formatter = null; // e.g. a unit that is not an ISO 4217 currency
    }
    formatters.set(key, formatter);
  }
  return formatter as T | null;
}

const currencyPattern = /^[A-Z]{3}$/;

/** The prize as a person reads it: "¥888", "100 积分", "5 item". */
export function formatPrizeAmount(prize: PrizeAnswer, locale: Locale, text: PageText): string {
  const currency = currencyPattern.test(prize.unit)
    ? cached(`cur|${locale}|${prize.unit}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: prize.unit, minimumFractionDigits: 0, maximumFractionDigits: 2 }))
    : null;
  if (currency) return currency.format(prize.value);
  return `${prize.value} ${text.units[prize.unit] ?? prize.unit}`;
}

/** A moment in the campaign's time zone, e.g. "2026年2月1日 20:15" / "Feb 1, 2026, 8:15 PM". */
export function formatMoment(at: string | number, locale: Locale, timeZone: string): string {
  const formatter = cached(`dt|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }));
  return formatter ? formatter.format(new Date(at)) : new Date(at).toISOString();
}
