import { isScangateError, type ErrorCode, type ScangateError } from '../errors.js';
import { settleHeldScan, type HeldScanReview, type ReviewDeps } from './settle.js';

/** What became of one selected scan or one line of an upload. */
export type SettleStatus = 'settled' | 'already_settled' | 'not_found' | 'invalid' | 'failed';

export interface SettleOutcome {
  readonly status: SettleStatus;
  /** why, unless settled */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

const statusOf: Partial<Record<ErrorCode, SettleStatus>> = {
  GW_ERR_ALREADY_SETTLED: 'already_settled',
  GW_ERR_NOT_HELD: 'not_found',
  GW_ERR_CAMPAIGN_UNKNOWN: 'not_found',
  GW_ERR_REVIEW_INVALID: 'invalid',
};

export function failedOutcome(err: ScangateError): SettleOutcome {
  return { status: statusOf[err.code] ?? 'failed', error: { code: err.code, message: err.message } };
}

/**
 * Settles scans one after the other (a settle is one short script call) and reports each; one
 * scan's refusal never stops the rest. Errors that are no ScangateError are bugs and propagate.
 */
export async function settleMany(deps: ReviewDeps, reviews: readonly HeldScanReview[]): Promise<SettleOutcome[]> {
  const outcomes: SettleOutcome[] = [];
  for (const review of reviews) {
    try {
      await settleHeldScan(deps, review);
      outcomes.push({ status: 'settled' });
    } catch (err) {
      if (!isScangateError(err)) throw err;
      outcomes.push(failedOutcome(err));
    }
  }
  return outcomes;
}
