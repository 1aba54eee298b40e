import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banSubject, type BanDeps } from '../../core/bans/bans.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';

const hour = 3_600_000;
let harness: GatewayHarness;
let base: string;
let deps: BanDeps;
const batches: Record<'devices' | 'addresses', TestBatch> = {} as never;

beforeAll(async () => {
  harness = await createGatewayHarness();
  batches.devices = await harness.addBatch(testCampaign('ban-devices'));
  batches.addresses = await harness.addBatch(testCampaign('ban-addresses'));
  base = `http://127.0.0.1:${(await harness.startGateway()).port}`;
  deps = { pool: harness.pool, redis: harness.redis.redis, keyPrefix: harness.redis.prefix };
});
afterAll(() => harness.close());

const ban = (scope: string, kind: 'device' | 'address', value: string) =>
  banSubject(deps, { scope, kind, value, reason: 'test', expiresAt: Date.now() + hour, actor: 'reviewer' });

describe('bans over HTTP', () => {
  it('a banned device\'s next scan answers blocked with reason banned, and its code stays fresh for another phone', async () => {
    const first = await scanJson(base, batches.devices.fresh());
    expect(first.body.outcome).toBe('won');
    const deviceId = /^sgd=([\w-]{22})\./.exec(first.cookie ?? '')?.[1] ?? '';
    await ban('ban-devices', 'device', deviceId);

    const code = batches.devices.fresh();
    const banned = await scanJson(base, code, { cookie: first.cookie });
    expect(banned.status).toBe(200);
    expect(banned.body).toMatchObject({ outcome: 'blocked', prize: null, replay: false, reasons: ['banned'] });
    expect((await scanJson(base, code)).body).toMatchObject({ outcome: 'won', replay: false });
  });

  it('a banned address is blocked whatever device it scans from (a new device keeps its own reasons too)', async () => {
    await ban('ban-addresses', 'address', '127.0.0.1');
    const reply = await scanJson(base, batches.addresses.fresh());
    expect(reply.body).toMatchObject({ outcome: 'blocked', prize: null, reasons: expect.arrayContaining(['banned']) });
  });
});
