/**
 * Fraud reason codes. Each is one bit so a scan's reasons travel through Lua and the events
 * stream as one integer; the names are the stable codes clients and the fraud team see.
 * Rules on request features are scored in workers/score.ts; rules on live counters are scored
 * inside the decision script, where the counters are exact. Weights and switches per campaign:
 * `fraud.rules` (config/campaign-schema.ts, `defaultRuleWeights`).
 */
export const reasonBits = {
  clone: 1 << 0, // code already redeemed by another device
  device_velocity: 1 << 1,
  ip_velocity: 1 << 2,
  consumer_velocity: 1 << 3,
  ip_device_farm: 1 << 4, // many devices behind one IP
  enumeration: 1 << 5, // recent forged-code attempts from this IP or device
  region_diversion: 1 << 6, // scanned outside the batch's region
  region_not_allowed: 1 << 7,
  new_device_top_prize: 1 << 8,
  non_mobile_agent: 1 << 9,
  headless_agent: 1 << 10,
  honeypot: 1 << 11, // a canary code that was never printed
  review_rejected: 1 << 12, // a held scan the fraud team rejected (set by settleReview, not scored)
  banned: 1 << 13, // a reviewer banned the device, address or network (core/bans/)
  serial_run: 1 << 14, // consecutive serials of one batch redeemed by several devices in quick succession (a leaked printer file)
  hosting_network: 1 << 15, // the address is a data centre's or a cloud's (core/geo): servers, not phones
  ip_region_diversion: 1 << 16, // no location sent, and the address geolocates outside the batch's region
  ip_region_not_allowed: 1 << 17, // no location sent, and the address geolocates outside allowedRegions
  diverted_batch: 1 << 18, // off its batch's region, in a region that takes a large share of the batch's scans (goods resold there)
} as const;

export type ReasonCode = keyof typeof reasonBits;

const reasonEntries = Object.entries(reasonBits) as [ReasonCode, number][];

export function reasonsFromMask(mask: number): ReasonCode[] {
  return reasonEntries.filter(([, bit]) => (mask & bit) !== 0).map(([code]) => code);
}

export function maskFromReasons(reasons: readonly ReasonCode[]): number {
  return reasons.reduce((mask, code) => mask | reasonBits[code], 0);
}
