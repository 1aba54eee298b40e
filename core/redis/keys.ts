/**
 * Every Redis key scangate uses is built here and nowhere else. All keys of a campaign carry
 * the hash tag {c:<campaignId>}, so one script's keys share a slot and run unchanged on Redis
 * Cluster. Keys reach Lua only through KEYS.
 */
export interface CampaignKeys {
  /** string: state epoch; missing means Redis lost the campaign and it must be rebuilt */
  readonly epoch: string;
  /** hash batchId -> "1" active | "0" inactive */
  readonly batches: string;
  /** hash code -> msgpack record of the scan that redeemed it */
  readonly codes: string;
  /** hash code -> scans of an already-redeemed code by other devices (the cloning signal) */
  readonly clones: string;
  /** hash tierId -> prizes issued, reserved ones included */
  readonly issued: string;
  /** hash tierId -> prizes reserved by held scans awaiting review */
  readonly held: string;
  /** hash consumerId -> redemptions in the whole campaign */
  readonly consumerTotal: string;
  /** stream of every decision (the outbox ingested into Postgres) */
  readonly events: string;
  /** hash outcome -> count, live counters for dashboards */
  readonly outcomes: string;
  /**
   * hash "d:<device>" | "a:<address>" | "n:<network>" -> ms the ban ends: the bans that apply to
   * the campaign, its own and the "everywhere" ones (fanned out into every campaign's hash, as
   * a script may only touch keys of its own slot). Mirrored from Postgres by core/bans/.
   */
  readonly bans: string;
  /**
   * hash hour start (epoch seconds, UTC hour) -> invalid-code attempts naming the campaign: forged
   * or garbled codes whose BATCH field names one of its batches, as the gateways tallied them in
   * memory and flushed them (HINCRBY, every few seconds). Bounded: fields older than
   * `invalidAttemptRetentionDays` are trimmed by the gateways, and the key expires that long after
   * its last write (core/analytics/invalid-attempts.ts).
   */
  readonly invalidAttempts: string;
  /** string: token of the process rebuilding the campaign's state from Postgres (SET NX PX) */
  readonly rebuildLock: string;
  /** hash consumerId -> redemptions on one campaign-local day (yyyymmdd) */
  consumerDay(day: string): string;
  /** hash "d:<device>" | "i:<ip>" | "c:<consumer>" -> scans (c: redemption attempts) in one minute bucket */
  velocity(minuteBucket: number): string;
  /** hash "<ip>|<device>" -> "1" | "r" (came back with its cookie), "#<ip>" -> distinct devices, "r#<ip>" -> those that came back, per hour bucket */
  ipDevices(hourBucket: number): string;
  /** hash "<batch>:<serial>" -> "<ms>|<device>" of each code consumed in one serial-run window (the serial_run rule) */
  serialRuns(windowBucket: number): string;
  /**
   * hash "<batch>" -> codes of the batch consumed with a known or off-region place, "<batch>|<region>"
   * -> those from one region ("?": off its region, nowhere known), for the campaign's life (the diverted_batch rule)
   */
  readonly regionFlows: string;
}

export function campaignHashTag(campaignId: string): string {
  return `{c:${campaignId}}`;
}

export function campaignKeys(prefix: string, campaignId: string): CampaignKeys {
  const base = `${prefix}${campaignHashTag(campaignId)}:`;
  return {
    epoch: `${base}epoch`,
    batches: `${base}batches`,
    codes: `${base}codes`,
    clones: `${base}clones`,
    issued: `${base}issued`,
    held: `${base}held`,
    consumerTotal: `${base}consumer-total`,
    events: `${base}events`,
    outcomes: `${base}outcomes`,
    bans: `${base}bans`,
    invalidAttempts: `${base}invalid-attempts`,
    rebuildLock: `${base}rebuild-lock`,
    regionFlows: `${base}region-flows`,
    consumerDay: (day) => `${base}consumer-day:${day}`,
    velocity: (minuteBucket) => `${base}vel:${minuteBucket}`,
    ipDevices: (hourBucket) => `${base}ipdev:${hourBucket}`,
    serialRuns: (windowBucket) => `${base}serials:${windowBucket}`,
  };
}

/** Match pattern for every key of one campaign (admin tools and test clean-up). */
export function campaignKeyPattern(prefix: string, campaignId: string): string {
  return `${prefix}${campaignHashTag(campaignId)}:*`;
}

/** Stream consumer group that the ingest uses on every campaign's events stream. */
export const ingestGroup = 'ingest';
