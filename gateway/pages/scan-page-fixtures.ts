import { parseCampaign, type Campaign } from '../../config/campaign-schema.js';
import type { ScanAnswer } from '../http/scan-answer.js';
import type { Locale } from './locale.js';
import type { PageState } from './page-state.js';
import type { ScanPageModel } from './scan-page.js';

/** A campaign whose texts try to break out of the page: every one must come out escaped. */
export const pageTestCampaign: Campaign = parseCampaign({
  id: 'page-test',
  name: 'Spring <Scan> & "Win"',
  window: { startsAt: '2026-01-01T00:00:00+08:00', endsAt: '2026-12-31T23:59:59+08:00', timeZone: 'Asia/Shanghai' },
  tiers: [
    { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 3, weight: 1, claim: 'Show this page at a partner store <b>within 30 days</b>.' },
    { id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 1000, weight: 10 },
  ],
  noPrizeWeight: 10,
  limits: { perConsumerPerDay: 5, perConsumerPerCampaign: 50 },
  fraud: { holdAt: 50, blockAt: 80 },
});

const firstScannedAt = '2026-02-10T12:15:00.000Z';

const answers: Record<Exclude<PageState, 'rate_limited' | 'unavailable' | 'bad_request'>, ScanAnswer> = {
  won: { outcome: 'won', prize: { tier: 'grand', kind: 'cash', value: 888, unit: 'CNY' }, scanId: '1770000000000-0', replay: false },
  no_prize: { outcome: 'no_prize', prize: null, scanId: '1770000000001-0', replay: false },
  already_redeemed: { outcome: 'already_redeemed', prize: null, scanId: '1770000000002-0', replay: false, firstScannedAt },
  invalid: { outcome: 'invalid', prize: null, scanId: 'inv-0123456789abcdef', replay: false },
  not_activated: { outcome: 'not_activated', prize: null, scanId: '1770000000003-0', replay: false },
  campaign_not_started: { outcome: 'campaign_not_started', prize: null, scanId: '1770000000004-0', replay: false },
  campaign_ended: { outcome: 'campaign_ended', prize: null, scanId: '1770000000005-0', replay: false },
  limit_reached: { outcome: 'limit_reached', prize: null, scanId: '1770000000006-0', replay: false },
  held: { outcome: 'held', prize: { tier: 'points', kind: 'points', value: 100, unit: 'points' }, scanId: '1770000000007-0', replay: false, reasons: ['ip_velocity'] },
  blocked: { outcome: 'blocked', prize: null, scanId: '1770000000008-0', replay: false, reasons: ['honeypot'] },
};

/** One page model per state: what the page tests and the browser test render. */
export function pageModels(locale: Locale): ScanPageModel[] {
  return [
    ...Object.values(answers).map((answer) => ({
      state: answer.outcome,
      locale,
      answer,
      ...(answer.outcome !== 'invalid' && { campaign: pageTestCampaign }),
    })),
    { state: 'won', locale, answer: { ...answers.won, replay: true, firstScannedAt }, campaign: pageTestCampaign },
    { state: 'rate_limited', locale, retryAfterSeconds: 42 },
    { state: 'unavailable', locale, retryAfterSeconds: 5 },
    { state: 'bad_request', locale },
  ];
}
