import { ipv4Number } from './ip-key.js';

/**
 * Addresses that are nobody's location: private, loopback, link-local, the carrier-NAT-internal
 * 100.64/10, documentation, multicast and reserved blocks (IANA special-purpose registries). A
 * scan from one came through a proxy that did not say who the client was, or from a test.
 */
const ipv4Blocks: readonly (readonly [network: string, bits: number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast 224/4 and reserved 240/4
];

const maskOf = (bits: number) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
const v4Masks = ipv4Blocks.map(([network, bits]) => [ipv4Number(network), maskOf(bits)] as const);

export function isPrivateIpv4(value: number): boolean {
  for (const [network, mask] of v4Masks) if (((value & mask) >>> 0) === network) return true;
  return false;
}

/**
 * Only 2000::/3 is global unicast; everything else (loopback, unique local fc00::/7, link-local,
 * multicast, reserved) is nobody's location, and so is documentation 2001:db8::/32.
 */
export function isPrivateIpv6(high32: number): boolean {
  return high32 >>> 29 !== 1 || high32 === 0x20010db8;
}
