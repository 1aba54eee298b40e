import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../../core/redis/keys.js';
import { lostCampaign } from '../../../core/testing/lost-campaign.js';
import type { TestDatabase } from '../../../core/testing/test-database.js';
import { createTestStack, type TestStack } from '../../../core/testing/test-stack.js';
import { testRedisUrl, type TestRedis } from '../../../core/testing/test-redis.js';
import { runCli } from '../cli.js';

let stack: TestStack;
let db: TestDatabase;
let pool: pg.Pool;
let t: TestRedis;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 2 });
  ({ db, pool, t } = stack);
  dir = mkdtempSync(path.join(os.tmpdir(), 'scangate-recover-'));
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ redis: { keyPrefix: t.prefix } }));
  env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SCANGATE_DATA_DIR: dir, SCANGATE_CONFIG: configFile };
});

afterAll(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function recover(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['recover', ...args], { env, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('scangate recover', () => {
  it('rebuilds a lost campaign, then leaves it alone unless --force', async () => {
    const { campaign } = await lostCampaign(pool, 'cli-recover');
    const keys = campaignKeys(t.prefix, campaign.id);

    const rebuilt = await recover(['--campaign', campaign.id]);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ campaign: campaign.id, status: 'rebuilt', codes: 5, issued: { grand: 2, points: 1 }, held: { grand: 1 } });
    expect(await t.redis.exists(keys.epoch)).toBe(1);

    const again = await recover(['--campaign', campaign.id]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ campaign: campaign.id, status: 'intact' });
    expect(again.stderr).toMatch(/--force rebuilds it anyway/);

    expect(JSON.parse((await recover(['--campaign', campaign.id, '--force'])).stdout)).toMatchObject({ status: 'rebuilt', codes: 5 });
  });

  it('exits 1 while another process holds the lock, for an unknown campaign, and 2 on usage errors', async () => {
    const { campaign } = await lostCampaign(pool, 'cli-busy');
    await t.redis.set(campaignKeys(t.prefix, campaign.id).rebuildLock, 'someone-else', 'PX', 10_000);
    const busy = await recover(['--campaign', campaign.id]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/another process is rebuilding it/);

    const unknown = await recover(['--campaign', 'no-such-campaign']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no such campaign/);
    expect((await recover([])).code).toBe(2);
    expect((await recover(['--campaign', campaign.id, 'extra'])).code).toBe(2);
  });
});
