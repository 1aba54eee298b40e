import { describe, expect, it } from 'vitest';
import { addressUnits } from '../../core/net/ip-address.js';
import { clientAddress } from './client-ip.js';
import { createCountMinSketch } from './count-min-sketch.js';
import { UNATTRIBUTED } from './enumeration-alarm.js';
import { createForgedLimiter, SKETCH_WIDTH, type ForgedBudgets } from './forged-limiter.js';

const budgets: ForgedBudgets = { perHost: 3, perNetwork: 10, windowSeconds: 60, campaignAlarmAt: 100 };
const t0 = 6_000_000; // the start of a window: windows are fixed, aligned on multiples of their length

describe('forged-code limiter', () => {
  it('refuses a host`s forged codes past its budget until its window ends; other hosts are untouched', () => {
    const limiter = createForgedLimiter(budgets);
    for (let i = 1; i <= 3; i++) expect(limiter.record('1.2.3.4', null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('1.2.3.4', null, UNATTRIBUTED, t0 + 10_000)).toBe(50);
    expect(limiter.record('1.2.3.4', null, UNATTRIBUTED, t0 + 59_500)).toBe(1);
    expect(limiter.record('5.6.7.8', null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('1.2.3.4', null, UNATTRIBUTED, t0 + 60_000)).toBe(0);
  });

  it('attributes forged codes to the device that sent them, not to its neighbours behind the address', () => {
    const limiter = createForgedLimiter({ ...budgets, perHost: 100 });
    const typist = 'AAAAAAAAAAAAAAAAAAAAAA';
    const neighbour = 'BBBBBBBBBBBBBBBBBBBBBB';
    for (let i = 0; i < 3; i++) limiter.record('100.64.0.1', typist, UNATTRIBUTED, t0);
    for (let i = 0; i < 20; i++) limiter.record('100.64.0.1', null, UNATTRIBUTED, t0);
    expect(limiter.attempts(typist, t0)).toBe(3);
    expect(limiter.attempts(neighbour, t0)).toBe(0);
    expect(limiter.attempts(typist, t0 + 60_000)).toBe(0);
  });

  it('counts a /24: an attacker rotating the last octet is refused once the network is over budget', () => {
    const limiter = createForgedLimiter({ ...budgets, perHost: 30 });
    for (let i = 1; i <= 10; i++) expect(limiter.record(`10.9.8.${i}`, null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('10.9.8.11', null, UNATTRIBUTED, t0)).toBeGreaterThan(0);
    expect(limiter.record('10.9.8.200', null, UNATTRIBUTED, t0)).toBeGreaterThan(0);
    expect(limiter.record('10.9.9.1', null, UNATTRIBUTED, t0)).toBe(0);
  });

  it('counts an IPv6 /64 as one host and a /48 as its network', () => {
    const limiter = createForgedLimiter({ ...budgets, perHost: 2, perNetwork: 4 });
    expect(limiter.record('2001:db8:1:2::1', null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('2001:db8:1:2:ffff::9', null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('2001:0db8:0001:0002:0000:0000:0000:0042', null, UNATTRIBUTED, t0)).toBeGreaterThan(0);
    expect(limiter.record('2001:db8:1:3::1', null, UNATTRIBUTED, t0)).toBe(0);
    expect(limiter.record('2001:db8:1:4::1', null, UNATTRIBUTED, t0)).toBeGreaterThan(0);
    expect(limiter.record('2001:db8:2:4::1', null, UNATTRIBUTED, t0)).toBe(0);
  });

  it('holds fixed memory after forged codes from 100,000 distinct addresses, and still refuses the over-budget host', () => {
    const limiter = createForgedLimiter({ ...budgets, perNetwork: 1_000_000 });
    const bytes = limiter.bytes;
    expect(bytes).toBe(2 * SKETCH_WIDTH * 4);
    for (let i = 0; i < 100_000; i++) limiter.record(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, null, UNATTRIBUTED, t0);
    expect(limiter.bytes).toBe(bytes);
    for (let i = 0; i < 3; i++) limiter.record('192.0.2.1', null, UNATTRIBUTED, t0);
    expect(limiter.record('192.0.2.1', null, UNATTRIBUTED, t0)).toBeGreaterThan(0);
  });

  it('raises the enumeration alarm of a campaign whose forged codes, from any number of addresses, reach the threshold', () => {
    const limiter = createForgedLimiter(budgets);
    for (let i = 0; i < 100; i++) limiter.record(`172.16.${i}.1`, null, 'spring', t0);
    for (let i = 0; i < 99; i++) limiter.record(`172.17.${i}.1`, null, UNATTRIBUTED, t0);
    const alarms = (now: number) => Object.fromEntries(limiter.campaigns(now).map((c) => [c.campaign, [c.forged, c.alarm]]));
    expect(alarms(t0)).toEqual({ spring: [100, true], [UNATTRIBUTED]: [99, false] });
    // the alarm holds through the next window, so it does not flicker at each window start
    expect(alarms(t0 + 60_000)).toEqual({ spring: [0, true], [UNATTRIBUTED]: [0, false] });
    expect(alarms(t0 + 120_000)).toEqual({ spring: [0, false], [UNATTRIBUTED]: [0, false] });
  });
});

describe('count-min sketch', () => {
  it('never counts a key under its true count, and over it only when keys collide', () => {
    const tiny = createCountMinSketch(16);
    const truth = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const key = `k${i % 97}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      tiny.add(key);
    }
    for (const [key, count] of truth) expect(tiny.estimate(key)).toBeGreaterThanOrEqual(count);
    expect([...truth].some(([key, count]) => tiny.estimate(key) > count)).toBe(true);
    const wide = createCountMinSketch(SKETCH_WIDTH);
    for (const [key, count] of truth) for (let i = 0; i < count; i++) wide.add(key);
    expect([...truth].filter(([key, count]) => wide.estimate(key) !== count).length).toBeLessThanOrEqual(1);
    wide.clear();
    expect(wide.estimate('k1')).toBe(0);
  });

  it('refuses a width that is not a power of two', () => {
    expect(() => createCountMinSketch(1000)).toThrow(RangeError);
  });
});

describe('client address', () => {
  it('uses the socket unless the proxy is trusted, then the last forwarded hop', () => {
    expect(clientAddress('10.0.0.1', '', false)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 7.7.7.7', false)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 7.7.7.7', true)).toBe('7.7.7.7');
    expect(clientAddress('::ffff:10.0.0.1', '', false)).toBe('10.0.0.1');
    expect(clientAddress('0000:0000:0000:0000:0000:ffff:7f00:0001', '', false)).toBe('127.0.0.1');
    expect(clientAddress('0000:0000:0000:0000:0000:0000:0000:0001', '', false)).toBe('::1');
    expect(clientAddress('10.0.0.1', '2001:DB8::0001', true)).toBe('2001:db8::1');
  });

  it('counts IPv4 per address and /24, IPv6 per /64 and /48', () => {
    expect(addressUnits('1.2.3.4')).toEqual({ host: '1.2.3.4', network: '1.2.3.0/24' });
    expect(addressUnits('::1')).toEqual({ host: '0:0:0:0::/64', network: '0:0:0::/48' });
    expect(addressUnits('fe80::1:2:3:4')).toEqual({ host: 'fe80:0:0:0::/64', network: 'fe80:0:0::/48' });
    expect(addressUnits('not an address')).toEqual({ host: 'not an address', network: 'not an address/' });
  });
});
