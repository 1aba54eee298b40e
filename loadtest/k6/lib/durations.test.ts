import { describe, expect, it } from 'vitest';
import { arrivals, seconds, withHeadroom } from './durations.js';

describe('scenario sizing', () => {
  it('sizes an arrival-rate scenario from its stages', () => {
    expect(seconds('1h2m3s')).toBe(3723);
    expect(seconds('90s')).toBe(90);
    expect(() => seconds('10ms')).toThrow(/unsupported/);
    expect(arrivals(0, [{ target: 100, duration: '10s' }, { target: 100, duration: '1m' }, { target: 0, duration: '10s' }])).toBe(500 + 6000 + 500);
    expect(withHeadroom(1000)).toBeGreaterThan(1000);
  });
});
