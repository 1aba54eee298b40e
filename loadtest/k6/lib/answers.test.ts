import { describe, expect, it } from 'vitest';
import { decidesFreshCode, keepsContract, prizeValueObtained, redeemsCode, sameDecision, scanLabel, type Answer } from './answers.js';

const prize = { tier: 'coupon', kind: 'coupon', value: 5, unit: 'CNY' };
const won: Answer = { outcome: 'won', prize, scanId: '1700000000000-0', replay: false };

describe('scan answers (the public contract the suites check)', () => {
  it('labels a scan by outcome, refusal or error', () => {
    expect(scanLabel(200, won)).toBe('won');
    expect(scanLabel(404, { outcome: 'invalid', prize: null, scanId: 'inv-00', replay: false })).toBe('invalid');
    expect(scanLabel(429, { error: 'GW_ERR_RATE_LIMITED' })).toBe('rate_limited');
    expect(scanLabel(503, null)).toBe('unavailable');
    expect(scanLabel(500, { error: 'GW_ERR_SCRIPT' })).toBe('error');
    expect(scanLabel(200, { outcome: 'jackpot' })).toBe('error');
    expect(scanLabel(200, null)).toBe('error');
  });

  it('holds answers to their contract: prize, reasons, firstScannedAt and status by outcome', () => {
    expect(keepsContract(200, won)).toBe(true);
    expect(keepsContract(404, won)).toBe(false);
    expect(keepsContract(200, { ...won, prize: null })).toBe(false);
    expect(keepsContract(200, { ...won, outcome: 'held' })).toBe(false);
    expect(keepsContract(200, { ...won, outcome: 'held', reasons: ['device_velocity'] })).toBe(true);
    expect(keepsContract(200, { outcome: 'no_prize', prize, scanId: 'x', replay: false })).toBe(false);
    expect(keepsContract(200, { ...won, replay: true })).toBe(false);
    expect(keepsContract(200, { ...won, replay: true, firstScannedAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(keepsContract(200, { outcome: 'already_redeemed', prize: null, scanId: 'x', replay: false, firstScannedAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(keepsContract(200, { outcome: 'blocked', prize: null, scanId: 'x', replay: false })).toBe(false);
    expect(keepsContract(404, { outcome: 'invalid', prize: null, scanId: 'inv-0a', replay: false })).toBe(true);
    expect(keepsContract(404, { outcome: 'invalid', prize: null, scanId: '1700000000000-0', replay: false })).toBe(false);
  });

  it('counts a draw and its value once: on the consuming answer, not on replays', () => {
    expect([redeemsCode(won), prizeValueObtained(won)]).toEqual([true, 5]);
    const held: Answer = { ...won, outcome: 'held', prize: { ...prize, value: 888 }, reasons: ['new_device_top_prize'] };
    expect([redeemsCode(held), prizeValueObtained(held)]).toEqual([true, 888]);
    expect([redeemsCode({ ...won, outcome: 'no_prize', prize: null }), prizeValueObtained({ ...won, outcome: 'no_prize', prize: null })]).toEqual([true, 0]);
    expect([redeemsCode({ ...won, replay: true }), prizeValueObtained({ ...won, replay: true })]).toEqual([false, 0]);
    expect(redeemsCode({ ...won, outcome: 'blocked', prize: null })).toBe(false);
  });

  it('accepts a fresh code decided or blocked, never already_redeemed, a replay or a limit', () => {
    expect(decidesFreshCode(won)).toBe(true);
    expect(decidesFreshCode({ ...won, outcome: 'blocked', prize: null })).toBe(true);
    expect(decidesFreshCode({ ...won, outcome: 'already_redeemed', prize: null })).toBe(false);
    expect(decidesFreshCode({ ...won, replay: true })).toBe(false);
    expect(decidesFreshCode({ ...won, outcome: 'limit_reached', prize: null })).toBe(false);
  });

  it('matches a replay to its original by scanId, outcome and prize, whatever the key order', () => {
    const replay: Answer = { replay: true, scanId: won.scanId, outcome: 'won', prize: { value: 5, unit: 'CNY', kind: 'coupon', tier: 'coupon' }, firstScannedAt: 'x' };
    expect(sameDecision(won, replay)).toBe(true);
    expect(sameDecision(won, { ...replay, replay: false })).toBe(false);
    expect(sameDecision(won, { ...replay, scanId: 'other' })).toBe(false);
    expect(sameDecision(won, { ...replay, prize: { ...prize, tier: 'grand', value: 888 } })).toBe(false);
    expect(sameDecision(won, { ...replay, prize: null })).toBe(false);
  });
});
