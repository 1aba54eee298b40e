import { describe, expect, it } from 'vitest';
import { LookupCache } from './lookup-cache.js';

describe('bounded lookup cache', () => {
  it('never holds more than two generations', () => {
    const cache = new LookupCache<number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`10.0.${i >> 8}.${i & 255}`, i);
    expect(cache.size).toBeLessThanOrEqual(200);
    expect(cache.get('10.0.39.15')).toBe(9999);
    expect(cache.get('10.0.0.0')).toBeUndefined();
  });

  it('keeps an address that is read again while one-off addresses age out', () => {
    const cache = new LookupCache<string>(10);
    cache.set('nat', 'busy');
    for (let i = 0; i < 100; i++) {
      cache.set(`one-off-${i}`, 'once');
      if (i % 5 === 0) expect(cache.get('nat')).toBe('busy');
    }
    expect(cache.get('nat')).toBe('busy');
    expect(cache.get('one-off-0')).toBeUndefined();
  });

  it('refuses a size that bounds nothing', () => {
    expect(() => new LookupCache(0)).toThrow(RangeError);
    expect(() => new LookupCache(1.5)).toThrow(RangeError);
  });
});
