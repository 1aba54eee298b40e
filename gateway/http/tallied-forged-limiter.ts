import type { ForgedLimiter } from './forged-limiter.js';
import type { InvalidAttemptTally } from './invalid-attempt-tally.js';

/**
 * The forged-code limiter, with every forged code it counts also tallied for its campaign's
 * analytics: its `record` sees each one (429s included), already attributed, so the scan path
 * needs no second hook.
 */
export function talliedForgedLimiter(limiter: ForgedLimiter, tally: Pick<InvalidAttemptTally, 'record'>): ForgedLimiter {
  return {
    ...limiter,
    record(ip, device, campaign, now) {
      tally.record(campaign, now);
      return limiter.record(ip, device, campaign, now);
    },
  };
}
