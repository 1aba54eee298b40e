import { clientNetwork } from '../net/ip-address.js';
import { campaignKeys } from './keys.js';
import type { ScriptCode } from './script-codes.js';
import type { ScriptCommands } from './scripts.js';

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
  /** Marks the answer as lost until `windowSeconds` from now; rejects with a ScangateError like any script call. */
  record(lost: LostAnswer): Promise<MarkResult>;
}

/**
 * The TypeScript side of markUndelivered-1.lua: a lost answer is marked in its code's record, and
 * redeemBatch redelivers it once to a scan from the same network and UA class before the deadline.
 */
export function createUndeliveredAnswers(options: { scripts: ScriptCommands; keyPrefix: string; windowSeconds: number; clock?: () => number }): UndeliveredAnswers {
  const { scripts, keyPrefix, windowSeconds, clock = Date.now } = options;
  return {
    async record(lost) {
      const mark = { code: lost.code, scanId: lost.scanId, network: clientNetwork(lost.ip), uaClass: lost.uaClass, deadlineMs: clock() + windowSeconds * 1000 };
      return (await scripts.markUndelivered(campaignKeys(keyPrefix, lost.campaignId).codes, mark)) as MarkResult;
    },
  };
}
