import { addressUnits } from '../../core/net/ip-address.js';
import { createCountMinSketch } from './count-min-sketch.js';
import { createEnumerationAlarm, type CampaignForgedCount } from './enumeration-alarm.js';

export interface ForgedBudgets {
  /** forged codes per host (IPv4 address, IPv6 /64) per window before its further forged codes get 429 */
  readonly perHost: number;
  /** the same for its network (IPv4 /24, IPv6 /48) */
  readonly perNetwork: number;
  readonly windowSeconds: number;
  /** forged codes per campaign per window that raise the enumeration alarm */
  readonly campaignAlarmAt: number;
}

/**
 * Whose forged codes these are: the raw value of the request's device cookie, unverified
 * (`deviceCookieValue`). A forger cannot aim a count at a real phone without holding that phone's
 * cookie (a made-up one is a counter of its own), and the forged path skips the cookie's HMAC,
 * which cost it a quarter of its rate.
 */
export type SenderKey = string;

export interface ForgedLimiter {
  /**
   * Forged codes the sender sent in its current window (the `enumeration` fraud feature); may be
   * over, never under. Per sender, not per address: behind a carrier NAT, one phone's typos are
   * not its neighbours' history. A cookieless scan has no history of its own (0): what its
   * address sends is held back by the budgets below instead.
   */
  attempts(sender: SenderKey, now: number): number;
  /**
   * Counts one forged code from `ip` naming `campaign` (`UNATTRIBUTED` when it names none), and
   * against `sender` when the request carried a device cookie (else null); returns 0 while
   * its host and network are within budget (answer it `invalid`), else the seconds until the
   * window ends (answer 429).
   */
  record(ip: string, sender: SenderKey | null, campaign: string, now: number): number;
  /** Forged codes per campaign in the window, and the enumeration alarm. */
  campaigns(now: number): readonly CampaignForgedCount[];
  /** Memory of the per-address counts: fixed, whatever the number of addresses. */
  readonly bytes: number;
}

/** A sender's counter in the sketch: the prefix keeps it apart from any address's. */
const senderUnit = (sender: SenderKey) => `d:${sender}`;

/** Counters per sketch row: 2 rows × 2^18 × 4 B = 2 MiB, enough to keep collisions rare under a flood from 100,000 addresses. */
export const SKETCH_WIDTH = 2 ** 18;

/**
 * Forged-code budgets per host and per network, counted in one count-min sketch per fixed window
 * (cleared when the next window starts), so memory stays fixed under a flood from any number of
 * addresses. Only forged codes are refused: a genuine code is verified first and always decided,
 * so a sketch collision (an estimate too high) can only refuse a forged code, never a genuine
 * one. Each gateway process counts alone: with N processes an address gets up to N × budget.
 */
export function createForgedLimiter(budgets: ForgedBudgets, sketchWidth = SKETCH_WIDTH): ForgedLimiter {
  const windowMs = budgets.windowSeconds * 1000;
  const sketch = createCountMinSketch(sketchWidth);
  const alarm = createEnumerationAlarm(budgets.campaignAlarmAt, budgets.windowSeconds);
  let windowIndex = 0;

  function roll(now: number): void {
    const index = Math.floor(now / windowMs);
    if (index === windowIndex) return;
    windowIndex = index;
    sketch.clear();
  }

  return {
    attempts(sender, now) {
      roll(now);
      return sketch.estimate(senderUnit(sender));
    },
    record(ip, sender, campaign, now) {
      roll(now);
      alarm.record(campaign, now);
      if (sender !== null) sketch.add(senderUnit(sender));
      const { host, network } = addressUnits(ip);
      const hostCount = sketch.add(host);
      const networkCount = sketch.add(network);
      if (hostCount <= budgets.perHost && networkCount <= budgets.perNetwork) return 0;
      return Math.max(1, Math.ceil(((windowIndex + 1) * windowMs - now) / 1000));
    },
    campaigns: (now) => alarm.counts(now),
    bytes: sketch.bytes,
  };
}
