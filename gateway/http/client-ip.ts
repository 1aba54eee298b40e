import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address in any spelling (also with a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let hex = address;
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    hex = `${address.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = hex.split('::', 2);
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const headGroups = parse(head);
  const tailGroups = tail === undefined ? [] : parse(tail);
  return [...headGroups, ...Array<number>(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups];
}

/**
 * A client address as text: IPv4 dotted, IPv4-mapped IPv6 (how a dual-stack socket reports an
 * IPv4 peer: uWS writes "0000:…:ffff:7f00:0001") as IPv4, other IPv6 in its short form.
 */
export function normaliseAddress(address: string): string {
  // Every request passes here: a colon check first spares IPv4 the full IPv6 pattern.
  if (!address.includes(':') || !isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * The client's address: the socket's peer, or, when the gateway sits behind a proxy we trust,
 * the last X-Forwarded-For hop (the one that proxy appended; earlier hops are client-supplied).
 */
export function clientAddress(socketAddress: string, forwardedFor: string, trustProxy: boolean): string {
  if (trustProxy && forwardedFor !== '') {
    const lastHop = forwardedFor.slice(forwardedFor.lastIndexOf(',') + 1).trim();
    if (lastHop !== '') return normaliseAddress(lastHop);
  }
  return normaliseAddress(socketAddress);
}

/** The two units a per-address limit counts: the host and its network. */
export interface AddressUnits {
  /** one IPv4 address, or one IPv6 /64 (a single host usually holds a whole /64) */
  readonly host: string;
  /** its IPv4 /24 or IPv6 /48: one attacker rotating the low bits, or one site, or one NAT pool */
  readonly network: string;
}

/** What a per-address limit counts for this address; anything that is not an IP address counts as its own host and network. */
export function addressUnits(address: string): AddressUnits {
  if (!address.includes(':') || !isIPv6(address)) {
    const lastDot = address.lastIndexOf('.');
    return { host: address, network: lastDot < 0 ? `${address}/` : `${address.slice(0, lastDot)}.0/24` };
  }
  const groups = ipv6Groups(address).map((group) => group.toString(16));
  return { host: `${groups.slice(0, 4).join(':')}::/64`, network: `${groups.slice(0, 3).join(':')}::/48` };
}
