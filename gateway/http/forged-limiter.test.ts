import { describe, expect, it } from 'vitest';
import { clientAddress, limitKey } from './client-ip.js';
import { createForgedLimiter } from './forged-limiter.js';

describe('forged-code limiter', () => {
  it('blocks an address once it reaches the limit, until its window ends', () => {
    const limiter = createForgedLimiter(3, 60);
    const t0 = 1_000_000;
    for (let i = 1; i <= 3; i++) {
      expect(limiter.blockedFor('1.2.3.4', t0)).toBe(0);
      expect(limiter.record('1.2.3.4', t0)).toBe(i);
    }
    expect(limiter.blockedFor('1.2.3.4', t0 + 10_000)).toBe(50);
    expect(limiter.blockedFor('5.6.7.8', t0)).toBe(0);
    expect(limiter.attempts('1.2.3.4', t0)).toBe(3);
    expect(limiter.blockedFor('1.2.3.4', t0 + 60_000)).toBe(0);
    expect(limiter.attempts('1.2.3.4', t0 + 60_000)).toBe(0);
  });

  it('counts an IPv6 /64 as one address', () => {
    const limiter = createForgedLimiter(2, 60);
    limiter.record('2001:db8:1:2::1', 0);
    limiter.record('2001:db8:1:2:ffff::9', 0);
    expect(limiter.blockedFor('2001:0db8:0001:0002:0000:0000:0000:0042', 0)).toBeGreaterThan(0);
    expect(limiter.blockedFor('2001:db8:1:3::1', 0)).toBe(0);
  });

  it('forgets expired windows', () => {
    const limiter = createForgedLimiter(5, 1);
    for (let i = 0; i < 100; i++) limiter.record(`10.0.0.${i}`, 0);
    expect(limiter.size()).toBe(100);
    limiter.record('10.0.1.1', 5_000);
    expect(limiter.size()).toBe(1);
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

  it('keys IPv4 by address and IPv6 by /64', () => {
    expect(limitKey('1.2.3.4')).toBe('1.2.3.4');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(limitKey('not an address')).toBe('not an address');
  });
});
