import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRollups } from '../../../core/analytics/rollup-audit.js';
import { lostCampaign } from '../../../core/testing/lost-campaign.js';
import { createTestStack, type TestStack } from '../../../core/testing/test-stack.js';
import { testRedisUrl } from '../../../core/testing/test-redis.js';
import { runCli } from '../cli.js';

let stack: TestStack;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 2 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'scangate-analytics-'));
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ redis: { keyPrefix: stack.t.prefix } }));
  env = { DATABASE_URL: stack.db.url, REDIS_URL: testRedisUrl(), SCANGATE_DATA_DIR: dir, SCANGATE_CONFIG: configFile };
});

afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function scangate(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.resume();
  const code = await runCli(args, { env, stdout, stderr });
  return { code, stdout: out };
}

describe('scangate analytics / partitions', () => {
  it('analytics rebuild builds the rollups of events written without them', async () => {
    // lostCampaign writes scan_events rows directly, as an ingest from before migration 009 left them.
    const { campaign } = await lostCampaign(stack.pool, 'cli-analytics');
    expect((await compareRollups(stack.pool, campaign.id)).differences).not.toEqual([]);

    const rebuilt = await scangate(['analytics', 'rebuild', '--campaign', campaign.id]);
    expect(rebuilt.code).toBe(0);
    const counted = JSON.parse(rebuilt.stdout) as { campaign: string; scans: number; reviews: number };
    const { rows } = await stack.pool.query<{ n: string }>(`SELECT count(*) AS n FROM scan_events WHERE campaign_id = $1`, [campaign.id]);
    expect(counted).toEqual({ campaign: campaign.id, scans: Number(rows[0]?.n), reviews: 0 });
    expect((await compareRollups(stack.pool, campaign.id)).differences).toEqual([]);

    expect((await scangate(['analytics', 'rebuild'])).code).toBe(2);
    expect((await scangate(['analytics', 'rebuild', '--campaign', 'no-such-campaign'])).code).toBe(1);
  });

  it('partitions prune refuses to keep less than a week, and drops nothing that recent', async () => {
    expect((await scangate(['partitions', 'prune', '--older-than', '6'])).code).toBe(2);
    const pruned = await scangate(['partitions', 'prune', '--older-than', '7']);
    expect(pruned.code).toBe(0);
    const { rows } = await stack.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'scan_events'::regclass`,
    );
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const dropped = (JSON.parse(pruned.stdout) as { dropped: string[] }).dropped;
    expect(dropped.every((name) => name < `scan_events_${weekAgo}`)).toBe(true);
    expect(rows.map((row) => row.name).filter((name) => dropped.includes(name))).toEqual([]);
  });
});
