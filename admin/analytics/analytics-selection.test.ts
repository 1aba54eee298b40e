import { describe, expect, it } from 'vitest';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { rangeBuckets, resolveSelection } from './analytics-selection.js';
import { localMidnight } from './campaign-days.js';

const shanghai = decisionCampaign('sel-sh');
const newYork = decisionCampaign('sel-ny', { window: { ...shanghai.window, timeZone: 'America/New_York' } });
const now = Date.UTC(2026, 2, 10, 17, 0); // 2026-03-11 01:00 in Shanghai, 2026-03-10 13:00 in New York

describe('analytics selection', () => {
  it('defaults to the first campaign and its last 7 local days', () => {
    const result = resolveSelection([shanghai, newYork], {}, now);
    if (!('selection' in result)) throw new Error(result.problem);
    expect(result.selection.campaign.id).toBe('sel-sh');
    expect([result.selection.from, result.selection.to, result.selection.days, result.selection.grain]).toEqual(['2026-03-05', '2026-03-11', 7, 'day']);
    expect(result.selection.range.from.toISOString()).toBe('2026-03-04T16:00:00.000Z');
    expect(result.selection.range.to.toISOString()).toBe('2026-03-11T16:00:00.000Z');
  });

  it('takes local midnights across a DST change (New York springs forward on 2026-03-08)', () => {
    expect(localMidnight('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(localMidnight('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    const result = resolveSelection([newYork], { from: '2026-03-10', to: '2026-03-10' }, now);
    if (!('selection' in result)) throw new Error(result.problem);
    expect(result.selection.grain).toBe('hour');
    expect(rangeBuckets(result.selection)).toHaveLength(24);
  });

  it('names what is wrong', () => {
    expect(resolveSelection([], {}, now)).toEqual({ problem: 'noCampaign' });
    expect(resolveSelection([shanghai], { campaign: 'nope' }, now)).toEqual({ problem: 'unknownCampaign' });
    expect(resolveSelection([shanghai], { from: '2026-02-29' }, now)).toEqual({ problem: 'badDate' });
    expect(resolveSelection([shanghai], { from: '2026-03-02', to: '2026-03-01' }, now)).toEqual({ problem: 'reversed' });
    expect(resolveSelection([shanghai], { from: '2026-01-01', to: '2026-04-03' }, now)).toEqual({ problem: 'tooLong' });
    expect('selection' in resolveSelection([shanghai], { from: '2026-01-01', to: '2026-04-02' }, now)).toBe(true);
  });
});
