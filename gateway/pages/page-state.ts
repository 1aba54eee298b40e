import type { OutcomeName } from '../../core/scan/outcomes.js';

/** What a scan page can show: every scan outcome, and the answers given when no decision was made. */
export type PageState = OutcomeName | 'rate_limited' | 'unavailable' | 'bad_request';

/** Colour family of a state; the stylesheet maps each to an accent. */
export type PageTone = 'win' | 'ok' | 'warn' | 'bad' | 'wait';

export const pageTones: Record<PageState, PageTone> = {
  won: 'win',
  no_prize: 'ok',
  already_redeemed: 'warn',
  invalid: 'bad',
  not_activated: 'wait',
  campaign_not_started: 'wait',
  campaign_ended: 'ok',
  limit_reached: 'warn',
  held: 'wait',
  blocked: 'bad',
  rate_limited: 'warn',
  unavailable: 'wait',
  bad_request: 'bad',
};
