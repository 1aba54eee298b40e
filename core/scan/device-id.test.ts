import { describe, expect, it } from 'vitest';
import { newDeviceId } from './device-id.js';

describe('newDeviceId', () => {
  it('is 22 base64url characters whose first 6 bytes are the minting time, the rest random', () => {
    const at = Date.UTC(2026, 11, 2, 7, 0, 0, 123);
    const ids = Array.from({ length: 1000 }, () => newDeviceId(at));
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes.length).toBe(16);
      expect(bytes.readUIntBE(0, 6)).toBe(at);
    }
    expect(new Set(ids).size).toBe(1000);
  });

  it('gives ids minted close in time a common prefix, so they sort next to each other', () => {
    const first = newDeviceId(Date.UTC(2026, 11, 2, 7, 0, 0));
    const minuteLater = newDeviceId(Date.UTC(2026, 11, 2, 7, 1, 0));
    const monthLater = newDeviceId(Date.UTC(2027, 0, 2, 7, 0, 0));
    expect(minuteLater.slice(0, 4)).toBe(first.slice(0, 4));
    expect(monthLater.slice(0, 2)).toBe(first.slice(0, 2));
    expect(monthLater.slice(0, 4)).not.toBe(first.slice(0, 4));
  });
});
