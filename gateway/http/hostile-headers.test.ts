import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { rawExchange, statusesIn } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

let harness: GatewayHarness;
let gateway: RunningGateway;
let batch: TestBatch;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batch = await harness.addBatch(testCampaign('hostile-headers'), { count: 80 });
  gateway = await harness.startGateway({ gateway: { trustProxy: true, forgedPerIpLimit: 3, forgedWindowSeconds: 86_400 } });
});

afterAll(() => harness.close());

/** One request over its own connection, exactly as written (fetch would refuse or rewrite some of these). */
function request(method: string, path: string, headers: readonly (readonly [string, string])[], body = ''): Promise<string> {
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const length = body === '' ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  return rawExchange(gateway.port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n${lines}${length}Connection: close\r\n\r\n${body}`);
}

const bodyOf = (raw: string): unknown => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

let unusedAddress = 0;

/** The process answers and decides; from an address of its own, so no earlier forged code counts against it. */
async function stillServing(): Promise<void> {
  expect((await fetch(`http://127.0.0.1:${gateway.port}/healthz`)).status).toBe(200);
  const raw = await request('GET', `/s/${batch.fresh()}`, [['X-Forwarded-For', `198.18.0.${++unusedAddress}`]]);
  expect(bodyOf(raw)).toMatchObject({ outcome: 'won' });
}

describe('a trustProxy gateway and hostile X-Forwarded-For values', () => {
  it('scans with a hop that is an address in some spelling, refuses one that is none with 400, and keeps serving', async () => {
    const addresses = ['fe80::1%eth0', '[2001:db8::7]:443', '[fe80::2%25en0]', '203.0.113.7:51234', '6.6.6.6, 198.51.100.7'];
    for (const hop of addresses) {
      const raw = await request('GET', `/s/${batch.fresh()}`, [['X-Forwarded-For', hop]]);
      expect(statusesIn(raw), hop).toEqual([200]);
      expect(bodyOf(raw), hop).toMatchObject({ outcome: 'won' });
    }
    const nonAddresses = ['unknown', '999.1.1.1', '1.2.3.4, ', '[::1', `${'9'.repeat(3000)}`, `1.2.3.4, ${'x'.repeat(3000)}`, '_gateway', 'fe80::1%'];
    for (const hop of nonAddresses) {
      for (const raw of [await request('GET', `/s/${batch.fresh()}`, [['X-Forwarded-For', hop]]), await request('POST', '/v1/scans', [['X-Forwarded-For', hop]], JSON.stringify({ code: batch.fresh() }))]) {
        expect(statusesIn(raw), hop.slice(0, 20)).toEqual([400]);
        expect(bodyOf(raw)).toEqual({ error: 'GW_ERR_FORWARDED_FOR', message: expect.any(String) });
      }
    }
    await stillServing();
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.opsPort}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^scangate_http_rejections_total\\{reason="bad_forwarded_for"\\} ${nonAddresses.length * 2}$`, 'm'));
  });

  it('takes the last hop of the last X-Forwarded-For line: a proxy may add its own line after the client’s', async () => {
    // Three forged codes from 192.0.2.50 (per the proxy's line) use up its budget; the client's own lines vary.
    for (let i = 0; i < 3; i++) {
      const raw = await request('GET', `/s/FORGED${i}`, [['X-Forwarded-For', `10.9.9.${i}`], ['X-Forwarded-For', '192.0.2.50']]);
      expect(statusesIn(raw)).toEqual([404]);
    }
    // Only further forged codes are refused (genuine ones are always decided): the budget is 192.0.2.50's, not 10.9.9.0's.
    expect(statusesIn(await request('GET', '/s/FORGED3', [['X-Forwarded-For', '192.0.2.50']]))).toEqual([429]);
    expect(statusesIn(await request('GET', '/s/FORGED3', [['X-Forwarded-For', '10.9.9.0']]))).toEqual([404]);
  });

  it('answers seeded-random header values (forwarded-for, cookie, Accept, Accept-Language, the code) with 2xx or 4xx', async () => {
    // Control characters other than tab get no answer from uWS at all (http-framing.test.ts pins that down).
    const value = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => Buffer.from(text).toString('latin1')),
      fc.string({ unit: 'binary-ascii', minLength: 1000, maxLength: 3000 }),
      fc.ipV6().map((ip) => `${ip}%eth${ip.length}`),
    ).map((text) => [...text].map((char) => (char < ' ' && char !== '\t' ? ' ' : char)).join('').trim());
    const code = fc.oneof(fc.constant('VALID'), fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => encodeURIComponent(text)));
    const samples = fc.sample(fc.tuple(value, value, value, value, code), { seed: 9_4, numRuns: 40 });
    for (const [forwardedFor, cookie, accept, acceptLanguage, rawCode] of samples) {
      const headers: [string, string][] = [['X-Forwarded-For', forwardedFor], ['Cookie', cookie], ['Accept', accept], ['Accept-Language', acceptLanguage]];
      const path = `/s/${rawCode === 'VALID' ? batch.fresh() : rawCode || 'X'}`;
      const raw = await rawExchange(gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers.map(([name, text]) => `${name}: ${text}\r\n`).join('')}Connection: close\r\n\r\n`);
      const [status] = statusesIn(raw);
      expect(status, JSON.stringify(headers).slice(0, 200)).toBeGreaterThanOrEqual(200);
      expect(status, JSON.stringify(headers).slice(0, 200)).toBeLessThan(500);
    }
    await stillServing();
  });
});
