import { clientNetwork } from '../http/client-network.js';
import { campaignKeys } from './keys.js';
import { errorForScriptFailure, type ScriptCode } from './script-codes.js';
import type { Scripts } from './scripts.js';

/** A consuming answer whose request was aborted after the decision script decided it. */
export interface LostAnswer {
  readonly campaignId: string;
  readonly code: string;
  /** the consuming decision's scan id */
  readonly scanId: string;
  /** the client's address and User-Agent class, which a retry must match */
  readonly ip: string;
  readonly uaClass: string;
}

/** What markUndelivered-1.lua answers. */
export type MarkResult = typeof MARK_RECORDED | ScriptCode.CodeNotConsumed | ScriptCode.DecisionReplaced;
export const MARK_RECORDED = 1;

export interface UndeliveredAnswers {
  /** Marks the answer as lost until `windowSeconds` from now; rejects like any script call (errorForScriptFailure). */
  record(lost: LostAnswer): Promise<MarkResult>;
}

/**
 * The TypeScript side of markUndelivered-1.lua: a lost answer is marked in its code's record, and
 * redeemBatch redelivers it once to a scan from the same network and UA class before the deadline.
 */
export function createUndeliveredAnswers(options: { scripts: Scripts; keyPrefix: string; windowSeconds: number; clock?: () => number }): UndeliveredAnswers {
  const { scripts, keyPrefix, windowSeconds, clock = Date.now } = options;
  return {
    async record(lost) {
      const keys = [campaignKeys(keyPrefix, lost.campaignId).codes];
      const args = [lost.code, lost.scanId, clientNetwork(lost.ip), lost.uaClass, clock() + windowSeconds * 1000];
      const reply = await scripts.run('markUndelivered', keys, args).catch((err: unknown) => Promise.reject(errorForScriptFailure(err)));
      return Number(reply) as MarkResult;
    },
  };
}
