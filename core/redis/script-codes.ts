import { ScangateError } from '../errors.js';

/**
 * What the Lua commands answer besides their result, mirrored from their contract headers, and
 * the one place where those answers and Redis failures become ScangateErrors.
 */
export enum ScriptCode {
  /** the campaign's epoch key is missing: its state must be rebuilt before anything is decided */
  EpochMissing = -1,
  /** markUndelivered, settleReview: the code has no record (its campaign's state was lost or rebuilt since, or it was never consumed) */
  CodeNotConsumed = -2,
  /** markUndelivered, settleReview: the code's record is another decision's */
  DecisionReplaced = -3,
  /** settleReview: the held scan was approved or rejected before */
  AlreadySettled = -4,
  /** settleReview: the scan consumed the code without a hold */
  NotHeld = -5,
}

export function errorForScriptCode(code: number): ScangateError {
  return code === ScriptCode.EpochMissing
    ? new ScangateError('GW_ERR_CAMPAIGN_RECOVERING')
    : new ScangateError('GW_ERR_SCRIPT', `unexpected return code ${code}`);
}

/** What settleReview-5.lua answers other than SETTLED, as the reviewer sees it. */
export function errorForSettleCode(code: number): ScangateError {
  switch (code) {
    case ScriptCode.CodeNotConsumed:
      return new ScangateError('GW_ERR_NOT_HELD', 'the code was never consumed');
    case ScriptCode.DecisionReplaced:
      return new ScangateError('GW_ERR_NOT_HELD', 'the code was consumed by another scan');
    case ScriptCode.NotHeld:
      return new ScangateError('GW_ERR_NOT_HELD', 'the scan was not held');
    case ScriptCode.AlreadySettled:
      return new ScangateError('GW_ERR_ALREADY_SETTLED');
    default:
      return errorForScriptCode(code);
  }
}

/** Replies that mean "this Redis cannot take writes right now", not "the script is wrong". */
const unavailableReplies = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;

/**
 * A failed script call: an error reply from the script (a bug or a contract breach) is
 * GW_ERR_SCRIPT; a Redis that is unreachable, loading, read-only or out of memory is
 * GW_ERR_REDIS_UNAVAILABLE. Either way the script ran fully or not at all.
 */
export function errorForScriptFailure(err: unknown): ScangateError {
  if (err instanceof ScangateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const isReply = err instanceof Error && err.name === 'ReplyError';
  return isReply && !unavailableReplies.test(message)
    ? new ScangateError('GW_ERR_SCRIPT', message, { cause: err })
    : new ScangateError('GW_ERR_REDIS_UNAVAILABLE', message, { cause: err });
}
