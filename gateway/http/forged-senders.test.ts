import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Unpackr } from 'msgpackr';
import { campaignKeys } from '../../core/redis/keys.js';
import { reasonsFromMask } from '../../core/scan/reasons.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';

/**
 * Forged codes counted against the device cookie that sent them (its raw value, no HMAC on the
 * forged path), through a real gateway: every request here comes from one address, 127.0.0.1,
 * like phones behind one carrier NAT.
 */
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });
const campaign = testCampaign('forged-senders', {
  fraud: { holdAt: 50, blockAt: 80, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000, rules: { new_device_top_prize: { enabled: false }, serial_run: { enabled: false } } },
});

let harness: GatewayHarness;
let batch: TestBatch;
let base: string;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batch = await harness.addBatch(campaign, { count: 40, honeypots: 0 });
  const gateway = await harness.startGateway({ gateway: { forgedPerIpLimit: 10_000, forgedPerNetworkLimit: 10_000, forgedWindowSeconds: 86_400 } });
  base = `http://127.0.0.1:${gateway.port}`;
}, 60_000);
afterAll(() => harness.close());

const typo = (code: string) => `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;

async function reasonsOf(scanId: string): Promise<string[]> {
  const entries = await harness.redis.redis.xrangeBuffer(campaignKeys(harness.redis.prefix, campaign.id).events, scanId, scanId);
  return reasonsFromMask((unpackr.unpack(entries[0]?.[1][1] as Buffer) as { rs: number }).rs);
}

/** A phone with a history: its first scan gives it a cookie. */
async function knownPhone(): Promise<string> {
  const first = await scanJson(base, batch.fresh());
  expect(first.cookie).toMatch(/^sgd=/);
  return first.cookie as string;
}

describe('forged codes per sender', () => {
  it('a single typo from a known device is not enumeration; three forged codes from it are', async () => {
    const phone = await knownPhone();
    expect((await scanJson(base, typo(batch.fresh()), { cookie: phone })).status).toBe(404);
    const afterTypo = await scanJson(base, batch.fresh(), { cookie: phone });
    expect(await reasonsOf(afterTypo.body.scanId)).not.toContain('enumeration');
    for (let i = 0; i < 2; i++) expect((await scanJson(base, typo(batch.fresh()), { cookie: phone })).status).toBe(404);
    const afterThree = await scanJson(base, batch.fresh(), { cookie: phone });
    expect(await reasonsOf(afterThree.body.scanId)).toContain('enumeration');
  });

  it('the address is not blamed: a neighbour stays clean after cookieless and other devices` forged codes from its address', async () => {
    const neighbour = await knownPhone();
    const typist = await knownPhone();
    for (let i = 0; i < 5; i++) await scanJson(base, typo(batch.fresh()));
    for (let i = 0; i < 5; i++) await scanJson(base, typo(batch.fresh()), { cookie: typist });
    const scan = await scanJson(base, batch.fresh(), { cookie: neighbour });
    expect(await reasonsOf(scan.body.scanId)).not.toContain('enumeration');
  });

  it('a forger who names a real device with a made-up MAC counts against its own cookie, not the phone`s', async () => {
    const phone = await knownPhone();
    const [name, value = ''] = phone.split('=');
    const deviceId = value.split('.')[0] as string;
    const impostor = `${name}=${deviceId}.${'A'.repeat(22)}`;
    for (let i = 0; i < 5; i++) expect((await scanJson(base, typo(batch.fresh()), { cookie: impostor })).status).toBe(404);
    const scan = await scanJson(base, batch.fresh(), { cookie: phone });
    expect(await reasonsOf(scan.body.scanId)).not.toContain('enumeration');
  });
});
