import { randomBytes } from 'node:crypto';

/**
 * A new device's id: 16 bytes as base64url (22 characters), the first 6 the time it was minted in
 * milliseconds (big-endian), the other 10 random (80 bits: no two phones meet). The time prefix is
 * for Postgres: ids minted in the same minutes share their first characters, so the new devices of
 * an ingest batch land side by side in the indexes keyed by device (analytics_devices,
 * scan_events_device) instead of on a random page each — the way UUIDv7 keys do. It tells no
 * more than the console shows anyway (a device's first scan); the cookie's MAC still proves it.
 */
export function newDeviceId(now: number = Date.now()): string {
  const id = Buffer.allocUnsafe(16);
  id.writeUIntBE(now, 0, 6);
  randomBytes(10).copy(id, 6);
  return id.toString('base64url');
}
