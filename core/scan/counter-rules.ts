import type { ReasonCode } from './reasons.js';

/**
 * Weights of the fraud rules on live counters, the one place they are tuned. These rules are
 * scored inside the decision script, where the counters are exact; the request-feature rules
 * are in workers/score.ts. Each weight adds to the worker's score (capped at 100) when its rule
 * fires:
 * - clone: the code was consumed by another device (the scan is already_redeemed either way;
 *   the score records how suspicious the attempt was);
 * - device_velocity / ip_velocity: the device's / IP's scans in the last minute exceed the
 *   campaign's deviceScansPerMinute / ipScansPerMinute (every scan counts, replays included);
 * - consumer_velocity: the consumer's redemption attempts (scans of unconsumed codes that pass
 *   window, activation and limits) in the last minute exceed deviceScansPerMinute;
 * - ip_device_farm: more distinct devices than devicesPerIp scanned from the IP this hour.
 */
export const counterRuleWeights = {
  clone: 40,
  device_velocity: 30,
  ip_velocity: 20,
  consumer_velocity: 30,
  ip_device_farm: 25,
} as const satisfies Partial<Record<ReasonCode, number>>;
