import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from '../../core/crypto/hmac-sha256.js';
import { newDeviceId } from '../../core/scan/device-id.js';

/** The consumer's device, as the signed `sgd` cookie says or as a fresh identity. */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly newDevice: boolean;
  /** Set-Cookie value to send, for a new device */
  readonly setCookie: string | null;
}

export interface DeviceCookies {
  identify(cookieHeader: string): DeviceIdentity;
  /** Set-Cookie value that makes the phone this device (a redelivered answer's original device) */
  cookieFor(deviceId: string): string;
}

const COOKIE_NAME = 'sgd';
const MAC_BYTES = 16;
/** About two years: a device should stay the same consumer for the life of a promotion or two. */
const MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;
const deviceIdPattern = /^[A-Za-z0-9_-]{22}$/;

/**
 * The raw `sgd` value of a Cookie header, unverified (undefined without one). Cheap: it keys a
 * sender's forged codes (`ForgedLimiter`) without the HMAC that `identify` pays.
 */
export function deviceCookieValue(cookieHeader: string): string | undefined {
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === COOKIE_NAME) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Device cookies per ARCHITECTURE.md: `sgd=<deviceId>.<mac>`, the id newDeviceId's 16 bytes and
 * the mac the first 16 bytes of HMAC-SHA-256(cookieKey, id), both base64url. A missing, malformed
 * or tampered cookie is never an error: the phone simply becomes a new device.
 */
export function createDeviceCookies(cookieKey: Buffer, secure: boolean): DeviceCookies {
  const cookieMac = hmacSha256(cookieKey);
  const macOf = (deviceId: string) => cookieMac.digest(deviceId).subarray(0, MAC_BYTES);
  const attributes = `; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  function verified(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const dot = value.indexOf('.');
    const deviceId = value.slice(0, dot);
    if (dot === -1 || !deviceIdPattern.test(deviceId)) return undefined;
    const mac = Buffer.from(value.slice(dot + 1), 'base64url');
    return mac.length === MAC_BYTES && timingSafeEqual(mac, macOf(deviceId)) ? deviceId : undefined;
  }

  const cookieFor = (deviceId: string) => `${COOKIE_NAME}=${deviceId}.${Buffer.from(macOf(deviceId)).toString('base64url')}${attributes}`;

  return {
    identify(cookieHeader) {
      const known = cookieHeader === '' ? undefined : verified(deviceCookieValue(cookieHeader));
      if (known !== undefined) return { deviceId: known, newDevice: false, setCookie: null };
      const deviceId = newDeviceId();
      return { deviceId, newDevice: true, setCookie: cookieFor(deviceId) };
    },
    cookieFor,
  };
}
