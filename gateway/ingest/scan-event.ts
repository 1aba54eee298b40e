import type { ReviewDecision } from '../../core/redis/settle-review.js';
import type { Outcome } from '../../core/scan/outcomes.js';

/** What one events-stream entry carries: a scan's decision or a review of a held scan. */
export type IngestEvent = ScanEventRow | ReviewEventRow;

/** One decision as it lands in Postgres: the events-stream entry, validated and typed. */
export interface ScanEventRow {
  readonly kind: 'scan';
  readonly campaignId: string;
  /** the stream entry id (= the scan id); with campaignId, the event's identity in Postgres */
  readonly eventId: string;
  /** decision time (ms), which also picks the day partition */
  readonly scannedAt: number;
  readonly code: string;
  readonly batchId: number;
  readonly serial: number;
  readonly deviceId: string;
  readonly ip: string;
  readonly outcome: Outcome;
  readonly tierId: string | null;
  /** the same consumer re-scanning a code it already redeemed: no code consumed */
  readonly replay: boolean;
  readonly score: number;
  readonly reasonMask: number;
  /** the campaign's weights of the reasons in reasonMask, lowest bit first; null when the event has none */
  readonly ruleWeights: readonly number[] | null;
  /** for already_redeemed and replays: the scan id that redeemed the code */
  readonly firstScanId: string | null;
  readonly uaClass: string;
  readonly region: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly newDevice: boolean;
  /** a replay of an answer lost to a dropped connection, to the same phone as a new device (deviceId is the original's) */
  readonly redelivered: boolean;
  /** the raw User-Agent of a held or blocked scan (fraud review evidence); null for other outcomes */
  readonly userAgent: string | null;
}

/** One review of a held scan (settleReview-5.lua): review_decisions and the redemption's review. */
export interface ReviewEventRow {
  readonly kind: 'review';
  readonly campaignId: string;
  /** the review event's stream entry id: with campaignId, its identity in review_decisions */
  readonly eventId: string;
  /** ms */
  readonly decidedAt: number;
  readonly code: string;
  /** the held scan's id: the redemption's event_id */
  readonly scanId: string;
  readonly decision: ReviewDecision;
  readonly reviewer: string;
  readonly note: string | null;
  /** the tier whose reservation was settled */
  readonly tierId: string;
}
