/**
 * When a ban ends, as a reviewer types it: a duration from now (`90m`, `12h`, `7d`, `2w`) or a
 * UTC day or minute (`2026-04-01`, `2026-04-01 18:00`). The form's schema admits only these
 * shapes (`banExpiryPattern`); core/bans refuses an end that is not in the future.
 */
export const banExpiryPattern = '^(\\d{1,5}[mhdw]|\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2})?)$';

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** The end in ms since the epoch (NaN for a date that does not exist, which core/bans refuses). */
export function banExpiry(text: string, now: number): number {
  const duration = /^(\d+)([mhdw])$/.exec(text);
  if (duration) return now + Number(duration[1]) * unitMs[duration[2] as keyof typeof unitMs];
  return new Date(`${text.replace(' ', 'T')}${text.length === 10 ? 'T00:00' : ''}Z`).getTime();
}
