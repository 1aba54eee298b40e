/**
 * The numbers the databases are keyed by. Callers pass addresses already normalised by
 * parseAddress (core/net/ip-address.ts): dotted IPv4, or RFC 5952 IPv6 without a zone.
 */

/** A dotted IPv4 address as an unsigned 32-bit number. */
export function ipv4Number(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 48);
    }
  }
  return value * 256 + octet;
}

/**
 * The first 64 bits of an IPv6 address as two unsigned 32-bit halves. Routing and allocation
 * stop at /64, so the network half is all a geolocation or ASN lookup needs.
 */
export function ipv6Prefix64(address: string): [high: number, low: number] {
  const gap = address.indexOf('::');
  const head = gap === -1 ? address : address.slice(0, gap);
  const groups = head === '' ? [] : head.split(':');
  if (gap !== -1 && groups.length < 4) {
    const tail = address.slice(gap + 2);
    const tailGroups = tail === '' ? [] : tail.split(':');
    const zeros = 8 - groups.length - tailGroups.length;
    for (let i = 0; i < zeros; i++) groups.push('0');
    groups.push(...tailGroups);
  }
  const group = (i: number) => parseInt(groups[i] ?? '0', 16);
  return [(group(0) * 65536 + group(1)) >>> 0, (group(2) * 65536 + group(3)) >>> 0];
}

/** Index of the last entry whose start is ≤ key in ascending `starts`, or -1. */
export function lastAtOrBelow(starts: Uint32Array, key: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid] as number) <= key) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** The same for 64-bit keys kept as high and low halves in two arrays. */
export function lastAtOrBelow64(highs: Uint32Array, lows: Uint32Array, high: number, low: number): number {
  let from = 0;
  let to = highs.length - 1;
  let found = -1;
  while (from <= to) {
    const mid = (from + to) >>> 1;
    const midHigh = highs[mid] as number;
    if (midHigh < high || (midHigh === high && (lows[mid] as number) <= low)) {
      found = mid;
      from = mid + 1;
    } else {
      to = mid - 1;
    }
  }
  return found;
}
