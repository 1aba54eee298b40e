import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address in any spelling (a zone id, a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  const zoneAt = address.indexOf('%');
  const unzoned = zoneAt === -1 ? address : address.slice(0, zoneAt);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(unzoned);
  let hex = unzoned;
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    hex = `${unzoned.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = hex.split('::', 2);
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const headGroups = parse(head);
  const tailGroups = tail === undefined ? [] : parse(tail);
  return [...headGroups, ...Array<number>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill(0), ...tailGroups];
}

/** RFC 5952 text: lower-case hex, no leading zeros, the first longest run of two or more zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let runAt = -1;
  let runLength = 1;
  for (let at = 0; at < groups.length; ) {
    let end = at;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - at > runLength) [runAt, runLength] = [at, end - at];
    at = Math.max(end, at + 1);
  }
  const hex = groups.map((group) => group.toString(16));
  if (runAt === -1) return hex.join(':');
  return `${hex.slice(0, runAt).join(':')}::${hex.slice(runAt + runLength).join(':')}`;
}

/**
 * One address as text, or undefined when the text is not an IP address. IPv4 stays dotted;
 * IPv4-mapped IPv6 (how a dual-stack socket reports an IPv4 peer: uWS writes
 * "0000:…:ffff:7f00:0001") becomes IPv4; other IPv6 takes its RFC 5952 form without a zone id.
 * A hop as proxies write it is accepted too: `[v6]`, `[v6]:port`, `v4:port`.
 */
export function parseAddress(text: string): string | undefined {
  // Every request passes here: plain IPv4 is settled before any other pattern runs.
  if (isIPv4(text)) return text;
  const hop = /^\[([^\]]*)\](?::\d{1,5})?$|^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  const address = hop ? (hop[1] ?? hop[2] ?? '') : text;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return formatIpv6(groups);
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

/**
 * The network a client address belongs to, as far as "the same phone came back" goes: a phone
 * that reconnects on a mobile network often gets another address from the same pool, so IPv4
 * counts by /24 and IPv6 by /64 (one host usually holds a whole /64).
 */
export function clientNetwork(address: string): string {
  const units = addressUnits(address);
  return address.includes(':') ? units.host : units.network;
}
