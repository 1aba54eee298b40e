import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { isScangateError, type ErrorCode } from '../../core/errors.js';
import { pickLocale } from '../pages/locale.js';
import { addressUnits, parseAddress } from '../../core/net/ip-address.js';
import { clientAddress } from './client-ip.js';
import { createDeviceCookies } from './device-cookie.js';
import { isJsonContentType, parseJsonBody } from './json-body.js';
import { walkHeaders } from './request-headers.js';
import { parseScanBody } from './scan-body.js';
import { wantsJson } from './scan-routes.js';

/** Fixed seed, bounded runs: the same inputs every time, and quick. A failure prints its counterexample. */
const runs = { seed: 20_260_9, numRuns: 400 } as const;

/** Anything a client can put in a header value, path or body: every code point (lone surrogates too), big sizes, and spellings near the valid ones. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: 'binary-ascii', minLength: 2000, maxLength: 5000 }),
  fc.constantFrom('\ud800', 'a\udfffb', '\u0000', '%', '[', ']:', '::', ':::', '1.2.3.4%', 'fe80::1%', '\u{1F600}'.repeat(3000)),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.tuple(fc.ipV6(), fc.string({ maxLength: 12 })).map(([ip, zone]) => `${ip}%${zone}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 99_999 })).map(([ip, port]) => `[${ip}]:${port}`),
  fc.tuple(fc.ipV4(), fc.nat()).map(([ip, port]) => `${ip}:${port}`),
);

/** Runs `read`; it may return anything or throw a catalogued error (one of `allowed`), nothing else. */
function returnsOrRefuses(read: () => unknown, allowed: readonly ErrorCode[]): void {
  try {
    read();
  } catch (err) {
    if (!isScangateError(err) || !allowed.includes(err.code)) throw new Error(`threw ${String(err)}`, { cause: err });
  }
}

describe('every request-parsing function is total', () => {
  it('client address, with and without trustProxy: an address, or GW_ERR_FORWARDED_FOR for a trusted hop that is none', () => {
    fc.assert(
      fc.property(hostileText, hostileText, fc.boolean(), (socket, forwardedFor, trustProxy) => {
        returnsOrRefuses(() => clientAddress(socket, forwardedFor, trustProxy), trustProxy ? ['GW_ERR_FORWARDED_FOR'] : []);
      }),
      runs,
    );
  });

  it('the limit units of any text, and of any address the client address gives', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const units = addressUnits(text);
        expect([typeof units.host, typeof units.network]).toEqual(['string', 'string']);
        const address = parseAddress(text);
        if (address === undefined) return;
        const { host, network } = addressUnits(address);
        expect(host).toMatch(/^(\d{1,3}\.){3}\d{1,3}$|^([0-9a-f]{1,4}:){4}:\/64$/);
        expect(network).toMatch(/^(\d{1,3}\.){3}0\/24$|^([0-9a-f]{1,4}:){3}:\/48$/);
      }),
      runs,
    );
  });

  it('the device cookie: any Cookie header identifies a device', () => {
    const devices = createDeviceCookies(randomBytes(32), false);
    fc.assert(
      fc.property(hostileText, fc.oneof(hostileText, hostileText.map((value) => `a=1; sgd=${value}`)), (noise, cookie) => {
        expect(devices.identify(cookie).deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(devices.identify(`${noise};${cookie}`).deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      }),
      runs,
    );
  });

  it('Accept, Content-Type and Accept-Language', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(typeof wantsJson(text)).toBe('boolean');
        expect(typeof isJsonContentType(text)).toBe('boolean');
        expect(['zh-CN', 'en']).toContain(pickLocale(text));
        expect(['zh-CN', 'en']).toContain(pickLocale(`en;q=${text}, zh;q=0.5`));
      }),
      runs,
    );
  });

  it('the code verifier: any text is a genuine code or an invalid one', () => {
    const verifier = createCodeVerifier({ codeKeys: new Map([[1, randomBytes(32)]]), retiredKeyIds: new Set([0]) });
    fc.assert(
      fc.property(hostileText, (code) => {
        expect(verifier.verify(code).valid).toBe(false);
      }),
      runs,
    );
  });

  it('the JSON body and the scan body: parsed, or GW_ERR_BAD_JSON / GW_ERR_BAD_REQUEST', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
      hostileText.map((text) => Buffer.from(text)),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? '')),
      fc.record({ code: hostileText, lat: fc.double(), lon: fc.oneof(fc.double(), fc.string()) }, { requiredKeys: ['code'] }).map((value) => Buffer.from(JSON.stringify(value))),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        returnsOrRefuses(() => parseScanBody(parseJsonBody(body)), ['GW_ERR_BAD_JSON', 'GW_ERR_BAD_REQUEST']);
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.anything(), (value) => returnsOrRefuses(() => parseScanBody(value), ['GW_ERR_BAD_REQUEST'])),
      runs,
    );
  });

  it('the header walk: any header lines give a forwarded-for chain and at most a GW_ERR_FRAMING', () => {
    const names = fc.oneof(fc.constantFrom('content-length', 'transfer-encoding', 'x-forwarded-for', 'host'), hostileText);
    fc.assert(
      fc.property(fc.array(fc.tuple(names, hostileText), { maxLength: 60 }), (lines) => {
        const walked = walkHeaders((visit) => lines.forEach(([name, value]) => visit(name, value)));
        expect(typeof walked.forwardedFor).toBe('string');
        if (walked.framingError !== undefined) expect(walked.framingError.code).toBe('GW_ERR_FRAMING');
      }),
      runs,
    );
  });
});

describe('addresses', () => {
  it('writes IPv6 as the URL standard does (RFC 5952), whatever the spelling', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const standard = new URL(`http://[${address}]/`).hostname.slice(1, -1);
        // IPv4-mapped addresses (a dual-stack socket's IPv4 peers) are kept as IPv4 on purpose.
        const [, high = '', low = ''] = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(standard) ?? [];
        const [h, l] = [parseInt(high, 16), parseInt(low, 16)];
        expect(parseAddress(address)).toBe(high ? `${h >> 8}.${h & 255}.${l >> 8}.${l & 255}` : standard);
        expect(parseAddress(address.toUpperCase())).toBe(parseAddress(address));
      }),
      runs,
    );
  });

  it('reads a hop as proxies write it, and refuses what is no address', () => {
    expect(clientAddress('10.0.0.1', 'fe80::1%eth0', true)).toBe('fe80::1');
    expect(clientAddress('10.0.0.1', '[2001:DB8::1]:443', true)).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.1', '[fe80::1%25eth0]', true)).toBe('fe80::1');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.9:51234', true)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', '[::ffff:203.0.113.9]:80', true)).toBe('203.0.113.9');
    for (const hop of ['unknown', '999.1.1.1', '1.2.3', '01.2.3.4', '6.6.6.6, ', '[1.2.3.4', 'fe80::1%', 'x'.repeat(3000), '_hidden', '2001:db8::1::443']) {
      expect(() => clientAddress('10.0.0.1', hop, true), hop.slice(0, 20)).toThrow(expect.objectContaining({ code: 'GW_ERR_FORWARDED_FOR' }));
    }
    // Without trustProxy the header is not read at all.
    expect(clientAddress('10.0.0.1', 'unknown', false)).toBe('10.0.0.1');
  });
});
