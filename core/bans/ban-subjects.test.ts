import { describe, expect, it } from 'vitest';
import { isScangateError } from '../errors.js';
import { clientNetwork } from '../net/ip-address.js';
import { banField, normaliseBanValue, type BanKind } from './ban-subjects.js';

describe('normaliseBanValue', () => {
  it.each<[BanKind, string, string]>([
    ['device', ' AAAAAAAAAAAAAAAAAAAA-_ ', 'AAAAAAAAAAAAAAAAAAAA-_'],
    ['address', '203.0.113.9', '203.0.113.9'],
    ['address', '2001:DB8:0:0:0:0:0:5', '2001:db8::5'],
    ['address', '::ffff:203.0.113.9', '203.0.113.9'],
    ['network', '203.0.113.0/24', '203.0.113.0/24'],
    ['network', '203.0.113.77/24', '203.0.113.0/24'],
    ['network', '2001:DB8:1:2:3::/64', clientNetwork('2001:db8:1:2::1')],
  ])('%s "%s" is stored as "%s"', (kind, value, stored) => {
    expect(normaliseBanValue(kind, value)).toBe(stored);
  });

  it('stores a network as the gateway computes a scan\'s network, so the script finds it', () => {
    for (const ip of ['198.51.100.200', '2001:db8:aa:bb:1:2:3:4']) {
      const network = clientNetwork(ip);
      expect(normaliseBanValue('network', network)).toBe(network);
    }
  });

  it.each<[BanKind, string, RegExp]>([
    ['device', 'short', /not 22 base64url characters/],
    ['device', 'AAAAAAAAAAAAAAAAAAAA+/', /not 22 base64url characters/],
    ['address', '203.0.113.300', /not an IP address/],
    ['address', '203.0.113.0/24', /not an IP address/],
    ['network', '203.0.113.0', /not <address>\/<prefix length>/],
    ['network', 'nonsense/24', /not <address>\/<prefix length>/],
    ['network', '203.0.0.0/16', /IPv4 network ban covers a \/24/],
    ['network', '2001:db8::/48', /IPv6 network ban covers a \/64/],
    ['network', '::ffff:203.0.113.0/64', /IPv4 network ban covers a \/24/],
    ['mac' as BanKind, 'x', /kind "mac" is none of device, address, network/],
  ])('%s "%s" is GW_ERR_BAN_INVALID (%s)', (kind, value, message) => {
    let thrown: unknown;
    try {
      normaliseBanValue(kind, value);
    } catch (err) {
      thrown = err;
    }
    expect(isScangateError(thrown, 'GW_ERR_BAN_INVALID')).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });

  it('names the hash field by kind, as the decision script builds it', () => {
    expect([banField('device', 'x'), banField('address', 'x'), banField('network', 'x')]).toEqual(['d:x', 'a:x', 'n:x']);
  });
});
