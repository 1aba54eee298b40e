import { ScangateError } from '../errors.js';
import { clientNetwork, parseAddress } from '../net/ip-address.js';

/** What a ban names: one device id, one address, or one network (IPv4 /24, IPv6 /64). */
export type BanKind = 'device' | 'address' | 'network';

export const banKinds: readonly BanKind[] = ['device', 'address', 'network'];

/** The device id of the device cookie (ARCHITECTURE "Device identity"): 16 bytes, base64url. */
const deviceId = /^[A-Za-z0-9_-]{22}$/;

/** The prefix length a network ban takes per family: the networks the gateway computes for a scan (`clientNetwork`). */
const networkPrefix = { v4: 24, v6: 64 } as const;

const invalid = (detail: string) => new ScangateError('GW_ERR_BAN_INVALID', detail);

function normaliseNetwork(text: string): string {
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? undefined : parseAddress(text.slice(0, slash));
  if (address === undefined) throw invalid(`network "${text}" is not <address>/<prefix length>`);
  const family = address.includes(':') ? 'v6' : 'v4';
  const expected = networkPrefix[family];
  if (text.slice(slash + 1) !== String(expected))
    throw invalid(`network "${text}": an IP${family} network ban covers a /${expected}, the network a scan is counted in`);
  return clientNetwork(address);
}

/**
 * The value a ban stores and the decision script compares: a device id as is, an address in
 * the canonical form the gateway gives a client address (`parseAddress`), a network in the form
 * of `clientNetwork` (host bits dropped: "203.0.113.7/24" is "203.0.113.0/24").
 */
export function normaliseBanValue(kind: BanKind, value: string): string {
  const text = value.trim();
  switch (kind) {
    case 'device':
      if (!deviceId.test(text)) throw invalid(`device id "${value}" is not 22 base64url characters`);
      return text;
    case 'address': {
      const address = parseAddress(text);
      if (address === undefined) throw invalid(`"${value}" is not an IP address`);
      return address;
    }
    case 'network':
      return normaliseNetwork(text);
    default:
      throw invalid(`kind "${String(kind)}" is none of ${banKinds.join(', ')}`);
  }
}

const fieldPrefix: Record<BanKind, string> = { device: 'd:', address: 'a:', network: 'n:' };

/** The ban's field in a campaign's `bans` hash, as redeemBatch-17.lua builds it from a scan. */
export function banField(kind: BanKind, value: string): string {
  return fieldPrefix[kind] + value;
}
