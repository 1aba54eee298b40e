import { clientNetwork } from '../net/ip-address.js';
import type { TimeBuckets } from '../scan/campaign-params.js';
import type { Outcome } from '../scan/outcomes.js';
import type { ScanAssessment, ScanDecision, ScanRequest } from '../scan/types.js';
import type { CampaignKeys } from './keys.js';

/** The TypeScript side of redeemBatch-17.lua's contract: its KEYS, its scans, its reply. */

/** Values per scan in ARGV[3] and per decision in the reply. */
export const SCAN_FIELDS = 16;
export const DECISION_FIELDS = 8;

/** KEYS in the script's order; the bucketed ones are those of `buckets` (computed from the call's now). */
export function redeemBatchKeys(keys: CampaignKeys, buckets: TimeBuckets): string[] {
  return [
    keys.epoch,
    keys.batches,
    keys.codes,
    keys.clones,
    keys.issued,
    keys.held,
    keys.consumerTotal,
    keys.consumerDay(buckets.day),
    keys.velocity(buckets.minute),
    keys.velocity(buckets.minute - 1),
    keys.ipDevices(buckets.hour),
    keys.events,
    keys.outcomes,
    keys.bans,
    keys.serialRuns(buckets.serialWindow),
    keys.serialRuns(buckets.serialWindow - 1),
    keys.regionFlows,
  ];
}

/** The raw User-Agent a held or blocked event keeps, at most: real ones are under 300 characters. */
export const USER_AGENT_KEPT_CHARS = 512;

/** Appends one scan's SCAN_FIELDS values to the flat array packed as ARGV[3]. */
export function appendScan(scans: unknown[], request: ScanRequest, assessment: ScanAssessment): void {
  const located = request.lat !== undefined && request.lon !== undefined;
  scans.push(
    request.code,
    request.batchId,
    request.serial,
    request.deviceId,
    request.ip,
    assessment.score,
    assessment.reasonMask,
    assessment.tierIndex,
    request.newDevice ? 1 : 0,
    assessment.uaClass,
    assessment.region ?? '',
    located ? request.lat : false,
    located ? request.lon : false,
    clientNetwork(request.ip),
    request.userAgent.slice(0, USER_AGENT_KEPT_CHARS),
    request.place?.networkType ?? '',
  );
}

/** The decision on the `index`-th scan of a reply. */
export function decisionAt(reply: readonly unknown[], index: number): ScanDecision {
  const at = index * DECISION_FIELDS;
  const firstScannedAt = reply[at + 4] as number;
  const redeliveredTo = reply[at + 7] as string;
  return {
    outcome: reply[at] as Outcome,
    tierIndex: reply[at + 1] as number,
    scanId: reply[at + 2] as string,
    replay: reply[at + 3] === 1,
    firstScannedAt: firstScannedAt > 0 ? firstScannedAt : undefined,
    reasonMask: reply[at + 5] as number,
    score: reply[at + 6] as number,
    ...(redeliveredTo === '' ? {} : { redeliveredTo }),
  };
}
