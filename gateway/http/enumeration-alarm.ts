/** Forged codes seen for one campaign, and whether they amount to an enumeration alarm. */
export interface CampaignForgedCount {
  /** a campaign id, or `UNATTRIBUTED` for codes naming no known batch */
  readonly campaign: string;
  /** forged codes in the current window */
  readonly forged: number;
  /** this window or the last full one reached the alarm threshold */
  readonly alarm: boolean;
}

export interface EnumerationAlarm {
  record(campaign: string, now: number): void;
  counts(now: number): readonly CampaignForgedCount[];
}

/** The campaign of forged codes whose BATCH field names no batch this gateway knows. */
export const UNATTRIBUTED = '(unattributed)';

interface Windows {
  index: number;
  current: number;
  previous: number;
}

/**
 * Counts forged codes per campaign in fixed windows, whatever the number of addresses sending
 * them: 10,000 addresses under their own budgets still add up here. The alarm holds while this
 * window or the last one reached `alarmAt`, so it does not drop at every window start. Only known
 * campaigns (plus one bucket for the rest) are counted, so the map stays as small as the catalog.
 */
export function createEnumerationAlarm(alarmAt: number, windowSeconds: number): EnumerationAlarm {
  const windowMs = windowSeconds * 1000;
  const campaigns = new Map<string, Windows>();

  function roll(windows: Windows, now: number): Windows {
    const index = Math.floor(now / windowMs);
    if (index !== windows.index) {
      windows.previous = index === windows.index + 1 ? windows.current : 0;
      windows.current = 0;
      windows.index = index;
    }
    return windows;
  }

  return {
    record(campaign, now) {
      let windows = campaigns.get(campaign);
      if (!windows) campaigns.set(campaign, (windows = { index: Math.floor(now / windowMs), current: 0, previous: 0 }));
      roll(windows, now).current++;
    },
    counts: (now) =>
      [...campaigns].map(([campaign, windows]) => {
        const { current, previous } = roll(windows, now);
        return { campaign, forged: current, alarm: Math.max(current, previous) >= alarmAt };
      }),
  };
}
