/**
 * Outcomes of a scan. The numbers are what the decision script returns and what the events
 * stream carries; the names are the public JSON contract (load tests and clients depend on them).
 */
export enum Outcome {
  Won = 1,
  NoPrize = 2,
  AlreadyRedeemed = 3,
  NotActivated = 4,
  CampaignNotStarted = 5,
  CampaignEnded = 6,
  LimitReached = 7,
  Held = 8,
  Blocked = 9,
  /** Never produced by the script: malformed or forged codes are answered before Redis. */
  Invalid = 10,
}

export const outcomeNames = {
  [Outcome.Won]: 'won',
  [Outcome.NoPrize]: 'no_prize',
  [Outcome.AlreadyRedeemed]: 'already_redeemed',
  [Outcome.NotActivated]: 'not_activated',
  [Outcome.CampaignNotStarted]: 'campaign_not_started',
  [Outcome.CampaignEnded]: 'campaign_ended',
  [Outcome.LimitReached]: 'limit_reached',
  [Outcome.Held]: 'held',
  [Outcome.Blocked]: 'blocked',
  [Outcome.Invalid]: 'invalid',
} as const satisfies Record<Outcome, string>;

export type OutcomeName = (typeof outcomeNames)[Outcome];

/** Outcomes that consume the code (it is "redeemed" and counts against the consumer's limits). */
export function consumesCode(outcome: Outcome): boolean {
  return outcome === Outcome.Won || outcome === Outcome.NoPrize || outcome === Outcome.Held;
}

/** The outcomes for which consumesCode holds, for SQL `IN` / `= ANY` lists. */
export const consumingOutcomes: readonly Outcome[] = Object.values(Outcome).filter((o): o is Outcome => typeof o === 'number' && consumesCode(o));
