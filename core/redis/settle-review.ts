import { Packr } from 'msgpackr';
import type { Campaign } from '../../config/campaign-schema.js';
import { reasonBits } from '../scan/reasons.js';
import type { CampaignKeys } from './keys.js';

/** The TypeScript side of settleReview-5.lua's contract: its KEYS and its ARGV. */

export type ReviewDecision = 'approve' | 'reject';
export const reviewDecisions: readonly ReviewDecision[] = ['approve', 'reject'];

/** Notes are shown to reviewers and kept in Postgres; a longer one is refused, not cut. */
export const MAX_NOTE_LENGTH = 1000;
/** Who settles: printable, one line. */
export const reviewerPattern = /^\P{Cc}{1,100}$/u;
/** A note: printable text and line breaks (Postgres text holds no NUL). */
export const notePattern = new RegExp(`^(?:\\P{Cc}|[\\t\\n\\r]){0,${MAX_NOTE_LENGTH}}$`, 'u');

/** One settle: the held scan (code + its scan id), the decision and who made it. */
export interface ReviewSettlement {
  readonly code: string;
  readonly scanId: string;
  readonly decision: ReviewDecision;
  readonly reviewer: string;
  /** null or "" for none */
  readonly note: string | null;
}

export interface SettleReviewCall extends ReviewSettlement {
  readonly keys: readonly string[];
  /** ARGV[6], ms since the epoch */
  readonly now: number;
  /** ARGV[7], packedTierIds */
  readonly tierIds: Buffer;
}

/** What the script answers when the scan is settled (its other answers: ScriptCode). */
export const SETTLED = 1;

const packr = new Packr({ useRecords: false });

/** KEYS in the script's order. */
export function settleReviewKeys(keys: CampaignKeys): string[] {
  return [keys.epoch, keys.codes, keys.issued, keys.held, keys.events];
}

/** The campaign's tier ids, best first: a code record's tier index points into them. */
export function packedTierIds(campaign: Campaign): Buffer {
  return packr.pack(campaign.tiers.map((tier) => tier.id));
}

/** ARGV of one call, in the script's order. */
export function settleReviewArgs(call: SettleReviewCall): (string | number | Buffer)[] {
  return [call.code, call.scanId, call.decision, call.reviewer, call.note ?? '', call.now, call.tierIds, reasonBits.review_rejected];
}
