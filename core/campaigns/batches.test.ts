import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { repoPath } from '../paths.js';
import { campaignKeys } from '../redis/keys.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { type TestRedis } from '../testing/test-redis.js';
import { createBatch, getBatch, listBatches, loadBatchIndex, setBatchStatus } from './batches.js';
import { applyCampaign } from './campaign-store.js';

let stack: TestStack;
let pool: pg.Pool;
let t: TestRedis;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 4 });
  ({ pool, t } = stack);
  await applyCampaign(pool, loadCampaignFile(repoPath('config/campaigns/demo.json')), 'tester');
});

afterAll(() => stack.stop());

describe('code batches', () => {
  it('creates inactive batches with serial ranges and default names', async () => {
    const named = await createBatch(pool, { campaignId: 'demo', printedCount: 100, honeypotCount: 3, name: 'shanghai-1', region: 'CN-SH' });
    expect(named).toMatchObject({ campaignId: 'demo', name: 'shanghai-1', region: 'CN-SH', serialFirst: 0, serialLast: 102, printedCount: 100, honeypotCount: 3, status: 'inactive', activatedAt: null });
    const unnamed = await createBatch(pool, { campaignId: 'demo', printedCount: 5 });
    expect(unnamed.name).toBe(`demo-${unnamed.id}`);
    expect(unnamed).toMatchObject({ region: null, serialLast: 4, honeypotCount: 0 });
  });

  it('refuses an unknown campaign, a taken name and a name that reads as an id', async () => {
    await expect(createBatch(pool, { campaignId: 'nope', printedCount: 1 })).rejects.toMatchObject({ code: 'GW_ERR_CAMPAIGN_UNKNOWN' });
    await expect(createBatch(pool, { campaignId: 'demo', printedCount: 1, name: 'shanghai-1' })).rejects.toMatchObject({ code: 'GW_ERR_BATCH_EXISTS' });
    await expect(createBatch(pool, { campaignId: 'demo', printedCount: 1, name: '123' })).rejects.toMatchObject({ code: 'GW_ERR_USAGE' });
  });

  it('activates and deactivates by name or id, in Postgres, in the campaign hash in Redis, and in the audit log', async () => {
    const batch = await getBatch(pool, 'shanghai-1');
    const hash = campaignKeys(t.prefix, 'demo').batches;
    const redis = { client: t.redis, prefix: t.prefix };

    const active = await setBatchStatus(pool, 'shanghai-1', true, redis, 'ops');
    expect(active.status).toBe('active');
    expect(active.activatedAt).toBeInstanceOf(Date);
    expect(await t.redis.hget(hash, String(batch.id))).toBe('1');

    const again = await setBatchStatus(pool, String(batch.id), true, redis);
    expect(again.activatedAt).toEqual(active.activatedAt);

    const inactive = await setBatchStatus(pool, batch.id, false, redis);
    expect(inactive).toMatchObject({ status: 'inactive', activatedAt: active.activatedAt });
    expect(inactive.deactivatedAt).toBeInstanceOf(Date);
    expect(await t.redis.hget(hash, String(batch.id))).toBe('0');

    await setBatchStatus(pool, 'shanghai-1', true);
    expect((await getBatch(pool, batch.id)).status).toBe('active');
    expect(await t.redis.hget(hash, String(batch.id))).toBe('0');

    const { rows } = await pool.query(`SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY id`, [`batch:${batch.id}`]);
    expect(rows.map((r) => `${r.actor}:${r.action}`)).toEqual(['ops:batch.activate', 'scangate:batch.activate', 'scangate:batch.deactivate', 'scangate:batch.activate']);
    await expect(setBatchStatus(pool, 'missing', true)).rejects.toMatchObject({ code: 'GW_ERR_BATCH_UNKNOWN' });
    await expect(setBatchStatus(pool, 999_999, true)).rejects.toMatchObject({ code: 'GW_ERR_BATCH_UNKNOWN' });
  });

  it('lists batches, optionally of one campaign, and indexes them with their honeypot serials', async () => {
    const all = await listBatches(pool);
    expect(all.map((b) => b.name)).toEqual(['shanghai-1', `demo-${all[1]?.id}`]);
    expect(await listBatches(pool, 'other')).toEqual([]);
    const first = all[0];
    if (!first) throw new Error('no batch');
    await pool.query(`INSERT INTO honeypot_codes (batch_id, serial, code) VALUES ($1, 7, 'A'), ($1, 42, 'B')`, [first.id]);
    const index = await loadBatchIndex(pool);
    expect(index.get(first.id)).toEqual({
      campaignId: 'demo',
      name: 'shanghai-1',
      region: 'CN-SH',
      status: 'active',
      serialFirst: first.serialFirst,
      serialLast: first.serialLast,
      honeypotSerials: new Set([7, 42]),
    });
    expect(index.get(all[1]?.id ?? -1)?.honeypotSerials).toEqual(new Set());
  });
});
