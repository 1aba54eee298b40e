import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDeviceCookies, deviceCookieValue } from './device-cookie.js';

const key = randomBytes(32);
const cookiePair = (setCookie: string | null) => (setCookie ?? '').split(';')[0] as string;

describe('device cookie', () => {
  it('gives a new device a signed cookie with the expected attributes', () => {
    const device = createDeviceCookies(key, false).identify('');
    expect(device.newDevice).toBe(true);
    expect(device.deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(device.setCookie).toMatch(new RegExp(`^sgd=${device.deviceId}\\.[A-Za-z0-9_-]{22}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
  });

  it('marks the cookie Secure when the public URL is https', () => {
    expect(createDeviceCookies(key, true).identify('').setCookie).toMatch(/; Secure$/);
  });

  it('recognises its own cookie among others, and sets none', () => {
    const cookies = createDeviceCookies(key, false);
    const first = cookies.identify('');
    const again = cookies.identify(`theme=dark; ${cookiePair(first.setCookie)}; other=1`);
    expect(again).toEqual({ deviceId: first.deviceId, newDevice: false, setCookie: null });
  });

  it('treats tampered, foreign-key and garbage cookies as a new device, never an error', () => {
    const cookies = createDeviceCookies(key, false);
    const pair = cookiePair(cookies.identify('').setCookie);
    const [name, value = ''] = pair.split('=');
    const [id = '', mac = ''] = value.split('.');
    const flipped = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    const candidates = [
      `${name}=${flipped}.${mac}`,
      `${name}=${id}.${mac.slice(0, -2)}`,
      cookiePair(createDeviceCookies(randomBytes(32), false).identify('').setCookie),
      'sgd=',
      'sgd=.',
      'sgd=%00%ff\u0001',
      `sgd=${'x'.repeat(5000)}`,
      '=;;;',
    ];
    for (const header of candidates) {
      const device = cookies.identify(header);
      expect(device.newDevice, header).toBe(true);
      expect(device.deviceId).not.toBe(id);
    }
  });

  it('reads the raw sgd value among other cookies without verifying it (the forged-code sender key)', () => {
    expect(deviceCookieValue('theme=dark; sgd=abc.def ; other=1')).toBe('abc.def');
    expect(deviceCookieValue('sgd=')).toBe('');
    expect(deviceCookieValue('theme=dark')).toBeUndefined();
    expect(deviceCookieValue('')).toBeUndefined();
  });
});
