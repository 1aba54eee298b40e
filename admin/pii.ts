import { isIP } from 'node:net';
import { addressUnits } from '../core/net/ip-address.js';

/**
 * What a viewer may see of personal data (the brand's data rules): addresses cut to their
 * network — IPv4 /24, IPv6 /48 — and device ids shortened. Reviewers and admins see them whole.
 */
export function maskAddress(address: string): string {
  return isIP(address) === 0 ? '…' : addressUnits(address).network;
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
