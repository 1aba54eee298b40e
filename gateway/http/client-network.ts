import { addressUnits } from './client-ip.js';

/**
 * The network a client address belongs to, as far as "the same phone came back" goes: a phone
 * that reconnects on a mobile network often gets another address from the same pool, so IPv4
 * counts by /24 and IPv6 by /64 (one host usually holds a whole /64).
 */
export function clientNetwork(address: string): string {
  const units = addressUnits(address);
  return address.includes(':') ? units.host : units.network;
}
