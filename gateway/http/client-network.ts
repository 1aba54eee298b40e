import { limitKey } from './client-ip.js';

/**
 * The network a client address belongs to, as far as "the same phone came back" goes: a phone
 * that reconnects on a mobile network often gets another address from the same pool, so IPv4
 * counts by /24 and IPv6 by /64 (one host usually holds a whole /64).
 */
export function clientNetwork(address: string): string {
  const lastDot = address.lastIndexOf('.');
  if (lastDot !== -1 && !address.includes(':')) return `${address.slice(0, lastDot)}.0/24`;
  return limitKey(address);
}
