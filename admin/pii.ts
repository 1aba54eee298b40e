import { isIP } from 'node:net';

/**
 * What a viewer may see of personal data (the brand's data rules): addresses cut to their
 * network — IPv4 /24, IPv6 /48 — and device ids shortened. Reviewers and admins see them whole.
 */
export function maskAddress(address: string): string {
  const kind = isIP(address);
  if (kind === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (kind === 6) return `${ipv6Groups(address).slice(0, 3).join(':')}::/48`;
  return '…';
}

/** The eight groups of an IPv6 address, '::' expanded, leading zeros dropped (IPv4-mapped tails included). */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase().split('%')[0] as string;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}

const shownDeviceChars = 6;

export function shortenDevice(deviceId: string): string {
  return deviceId.length <= shownDeviceChars ? '…' : `${deviceId.slice(0, shownDeviceChars)}…`;
}

/** A ban's subject as a viewer may see it: a device shortened, an address or network cut to its /24 or /48. */
export function maskBanSubject(kind: 'device' | 'address' | 'network', value: string): string {
  if (kind === 'device') return shortenDevice(value);
  return maskAddress(kind === 'network' ? (value.split('/')[0] as string) : value);
}
