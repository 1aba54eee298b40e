import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Unpackr } from 'msgpackr';
import { campaignKeys } from '../../core/redis/keys.js';
import { reasonsFromMask } from '../../core/scan/reasons.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { phoneAgent } from '../testing/scan-client.js';
import type { RunningGateway } from '../main.js';

/** The scan path with the real geolocation databases: the client address (X-Forwarded-For, trusted) placed and scored. */
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });
const shanghai = { code: 'CN-SH', bbox: [120.85, 30.67, 122.2, 31.88] };
const beijing = { code: 'CN-BJ', bbox: [115.42, 39.44, 117.51, 41.06] };

let harness: GatewayHarness;
let gateway: RunningGateway;
let batch: TestBatch;
let base: string;
const campaign = testCampaign('geo', { regions: [shanghai, beijing], fraud: { holdAt: 50, blockAt: 80, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000, rules: { new_device_top_prize: { enabled: false }, serial_run: { enabled: false } } } });

beforeAll(async () => {
  harness = await createGatewayHarness({ gateway: { trustProxy: true } });
  batch = await harness.addBatch(campaign, { count: 20, honeypots: 0 });
  await harness.pool.query(`UPDATE code_batches SET region = 'CN-SH' WHERE id = $1`, [batch.id]);
  gateway = await harness.startGateway({}, { geolocation: true });
  expect(await gateway.geolocationReady).toBe(true);
  base = `http://127.0.0.1:${gateway.port}`;
}, 60_000);
afterAll(() => harness.close());

async function scanFrom(address: string, code: string, body: Record<string, unknown> = {}) {
  const response = await fetch(`${base}/v1/scans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': phoneAgent, 'x-forwarded-for': address },
    body: JSON.stringify({ code, ...body }),
  });
  return { status: response.status, body: (await response.json()) as { outcome: string; reasons?: string[]; scanId: string } };
}

async function eventOf(scanId: string): Promise<{ rs: number; rg?: string; rw?: number[] }> {
  const entries = await harness.redis.redis.xrangeBuffer(campaignKeys(harness.redis.prefix, campaign.id).events, scanId, scanId);
  return unpackr.unpack(entries[0]?.[1][1] as Buffer) as { rs: number; rg?: string; rw?: number[] };
}

describe('geolocated scans', () => {
  it('a phone on a Shanghai carrier address scores nothing and its event records CN-SH from the address', async () => {
    const { status, body } = await scanFrom('117.131.0.7', batch.fresh());
    expect([status, body.outcome]).toEqual([200, 'won']);
    expect(await eventOf(body.scanId)).toMatchObject({ rs: 0, rg: 'CN-SH' });
  });

  it('a data-centre address is blocked with hosting_network, and the code stays unconsumed', async () => {
    const code = batch.fresh();
    const { body } = await scanFrom('52.80.1.9', code); // AWS Beijing
    expect(body.outcome).toBe('blocked');
    expect(body.reasons).toContain('hosting_network');
    expect((await scanFrom('117.131.0.8', code)).body.outcome).toBe('won');
  });

  it('an address in another province without coordinates scores ip_region_diversion; coordinates at home outweigh it', async () => {
    const away = await scanFrom('14.17.1.20', batch.fresh()); // China Telecom broadband, Guangdong
    const event = await eventOf(away.body.scanId);
    expect(reasonsFromMask(event.rs)).toEqual(['ip_region_diversion']);
    expect(event).toMatchObject({ rg: 'CN-GD', rw: [25] });
    const located = await scanFrom('14.17.1.21', batch.fresh(), { lat: 31.23, lon: 121.47 });
    expect(await eventOf(located.body.scanId)).toMatchObject({ rs: 0, rg: 'CN-SH' });
  });
});
