import { describe, expect, it } from 'vitest';
import { maskAddress, shortenDevice } from './pii.js';

describe('PII masking for viewers', () => {
  it('cuts IPv4 addresses to their /24', () => {
    expect(maskAddress('203.0.113.77')).toBe('203.0.113.0/24');
  });

  it('cuts IPv6 addresses to their /48, whatever the spelling', () => {
    expect(maskAddress('2001:db8:85a3:1:2:3:4:5')).toBe('2001:db8:85a3::/48');
    expect(maskAddress('2001:0DB8::1')).toBe('2001:db8:0::/48');
    expect(maskAddress('::ffff:198.51.100.7')).toBe('0:0:0::/48');
    expect(maskAddress('fe80::1%eth0')).toBe('fe80:0:0::/48');
  });

  it('shows nothing of text that is no address', () => {
    expect(maskAddress('<script>')).toBe('…');
  });

  it('shortens device ids to their first characters', () => {
    expect(shortenDevice('AbCdEfGhIjKlMnOpQrStUv')).toBe('AbCdEf…');
    expect(shortenDevice('abc')).toBe('…');
  });
});
