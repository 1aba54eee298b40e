/**
 * Calendar days in a campaign's time zone. The pickers speak local dates ('YYYY-MM-DD'); the
 * queries take instants, so a day becomes the instant its local midnight happens.
 */
import { localMinute, wallClock } from '../../core/analytics/wall-clock.js';

export { localMinute };

const dayMs = 86_400_000;

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(instant / 1000) * 1000;
}

/** The local date of an instant, 'YYYY-MM-DD'. */
export const localDay = (instant: number, timeZone: string): string => localMinute(instant, timeZone).slice(0, 10);

/** 'YYYY-MM-DD' of a real calendar day (2026-02-30 is not one), as ms of its UTC midnight; else null. */
export function parseDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, day);
  const back = new Date(utc);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? utc : null;
}

/** The instant local midnight starts the day (checked again after a DST change moved the offset). */
export function localMidnight(day: string, timeZone: string): Date {
  const utc = parseDay(day);
  if (utc === null) throw new RangeError(`not a day: ${day}`);
  const guess = utc - offsetAt(utc, timeZone);
  return new Date(utc - offsetAt(guess, timeZone));
}

export function addDays(day: string, days: number): string {
  return new Date((parseDay(day) as number) + days * dayMs).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round(((parseDay(to) as number) - (parseDay(from) as number)) / dayMs) + 1;
}
