import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../../core/testing/bounded.js';
import { createGatewayHarness, testCampaign, type GatewayHarness } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await createGatewayHarness({ ingest: { enabled: true, batchWaitMs: 10, backlogDegradedAt: 5 } });
});
afterAll(() => harness?.close());

const readiness = async (base: string) => {
  const reply = await fetch(`${base}/readyz`);
  return { status: reply.status, body: (await reply.json()) as { checks: Record<string, boolean> } };
};

it('keeps deciding while Postgres stalls, reports not ready past the backlog ceiling, and recovers once it drains', async () => {
  const batch = await harness.addBatch(testCampaign('stalled-ingest'));
  const gateway = await harness.startGateway();
  const base = `http://127.0.0.1:${gateway.port}`;
  expect((await readiness(base)).status).toBe(200);

  // A transaction holding scan_events stalls every ingest write: Postgres is "slow".
  const blocker = await harness.pool.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE scan_events IN ACCESS EXCLUSIVE MODE');
    for (let i = 0; i < 8; i++) expect((await scanJson(base, batch.fresh())).status).toBe(200);
    expect(await eventually(async () => (await readiness(base)).status === 503, 10_000)).toBe(true);
    const degraded = await readiness(base);
    expect(degraded.body.checks).toMatchObject({ redis: true, campaigns: true, ingestBacklog: false });
    // not ready is advice to the load balancer: a phone that still arrives is answered
    expect((await scanJson(base, batch.fresh())).status).toBe(200);
  } finally {
    await blocker.query('ROLLBACK');
    blocker.release();
  }
  expect(await eventually(async () => (await readiness(base)).status === 200, 15_000)).toBe(true);
  const { rows } = await harness.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM scan_events WHERE campaign_id = 'stalled-ingest'`);
  expect(rows[0]?.n).toBe(9);
});
