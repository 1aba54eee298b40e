import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile, parseCampaign, type Campaign } from '../../config/campaign-schema.js';
import { repoPath } from '../paths.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { applyCampaign, getCampaign, loadCampaigns } from './campaign-store.js';

let stack: TestStack;
let pool: pg.Pool;
const demo = loadCampaignFile(repoPath('config/campaigns/demo.json'));

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 4 });
  ({ pool } = stack);
});

afterAll(() => stack.stop());

const variant = (id: string, change: (c: Record<string, unknown>) => void = () => undefined): Campaign => {
  const copy = structuredClone({ ...demo, id }) as Record<string, unknown>;
  change(copy);
  return parseCampaign(copy);
};

describe('campaign store', () => {
  it('stores a campaign with its tiers in rank order and an audit row', async () => {
    const campaign = variant('store-a');
    expect(await applyCampaign(pool, campaign, 'tester')).toEqual({ version: 1, changed: true });
    expect(await getCampaign(pool, 'store-a')).toEqual(campaign);
    const { rows: tiers } = await pool.query(
      `SELECT tier_id, rank, kind, value::float8 AS value, unit, inventory::int AS inventory, weight FROM prize_tiers WHERE campaign_id = 'store-a' ORDER BY rank`,
    );
    expect(tiers).toEqual(campaign.tiers.map((t, rank) => ({ tier_id: t.id, rank, kind: t.kind, value: t.value, unit: t.unit, inventory: t.inventory, weight: t.weight })));
    const { rows: row } = await pool.query(`SELECT name, current_version, starts_at, time_zone FROM campaigns WHERE id = 'store-a'`);
    expect(row).toEqual([{ name: campaign.name, current_version: 1, starts_at: new Date(campaign.window.startsAt), time_zone: 'Asia/Shanghai' }]);
    const { rows: audit } = await pool.query(`SELECT actor, action, detail FROM audit_log WHERE subject = 'campaign:store-a'`);
    expect(audit).toEqual([{ actor: 'tester', action: 'campaign.apply', detail: { version: 1, previousVersion: null } }]);
  });

  it('makes a new version only when the body changed, and replaces the tiers', async () => {
    const first = variant('store-b');
    await applyCampaign(pool, first, 'tester');
    const sameAgain = parseCampaign(JSON.parse(JSON.stringify(first)));
    expect(await applyCampaign(pool, sameAgain, 'tester')).toEqual({ version: 1, changed: false });
    const fewer = variant('store-b', (c) => {
      c.tiers = (c.tiers as unknown[]).slice(1);
      c.name = 'renamed';
    });
    expect(await applyCampaign(pool, fewer, 'other')).toEqual({ version: 2, changed: true });
    expect(await getCampaign(pool, 'store-b')).toEqual(fewer);
    const { rows } = await pool.query(`SELECT tier_id, rank FROM prize_tiers WHERE campaign_id = 'store-b' ORDER BY rank`);
    expect(rows).toEqual(fewer.tiers.map((t, rank) => ({ tier_id: t.id, rank })));
    const { rows: versions } = await pool.query(`SELECT version, applied_by, body->>'name' AS name FROM campaign_versions WHERE campaign_id = 'store-b' ORDER BY version`);
    expect(versions).toEqual([
      { version: 1, applied_by: 'tester', name: demo.name },
      { version: 2, applied_by: 'other', name: 'renamed' },
    ]);
    expect(Number((await pool.query(`SELECT count(*) AS n FROM audit_log WHERE subject = 'campaign:store-b'`)).rows[0].n)).toBe(2);
  });

  it('gives concurrent applies of a new campaign distinct versions', async () => {
    const bodies = [1, 2, 3].map((n) => variant('store-c', (c) => (c.name = `name ${n}`)));
    const results = await Promise.all(bodies.map((body) => applyCampaign(pool, body, 'tester')));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3]);
  });

  it('loads every current campaign and refuses an unknown id', async () => {
    const ids = (await loadCampaigns(pool)).map((c) => c.id);
    expect(ids).toEqual(['store-a', 'store-b', 'store-c']);
    await expect(getCampaign(pool, 'nope')).rejects.toMatchObject({ code: 'GW_ERR_CAMPAIGN_UNKNOWN' });
  });
});
