import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScangateError } from '../errors.js';
import { Outcome } from '../scan/outcomes.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, seedCampaignState } from '../testing/decision-fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis.js';
import { createRedisClient } from './redis-client.js';
import { loadScriptSources, registerScripts } from './scripts.js';

describe('loadScriptSources', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-lua-'));
    mkdirSync(path.join(dir, 'includes'));
    await writeFile(path.join(dir, 'includes', 'double.lua'), '--- @include "base"\nlocal function double(x) return base(x) * 2 end\n');
    await writeFile(path.join(dir, 'includes', 'base.lua'), 'local function base(x) return x end\n');
    await writeFile(path.join(dir, 'pair-2.lua'), '--- @include "base"\n--- @include "double"\nreturn { base(KEYS[1]), double(ARGV[1]) }\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names each script and its key count from the file name, and inlines each include once', () => {
    const [pair] = loadScriptSources(dir);
    expect(pair).toMatchObject({ name: 'pair', numberOfKeys: 2 });
    expect(pair?.lua.match(/local function base/g)).toHaveLength(1);
    expect(pair?.lua).not.toContain('@include');
    expect(pair?.lua.indexOf('function base')).toBeLessThan(pair?.lua.indexOf('function double') ?? 0);
  });

  it('finds the repository\'s commands with their includes inlined', () => {
    const redeem = loadScriptSources().find((source) => source.name === 'redeemBatch');
    expect(redeem?.numberOfKeys).toBe(17);
    expect(redeem?.lua.startsWith('#!lua\n')).toBe(true);
    expect(redeem?.lua).toContain('local function takePrize');
    expect(redeem?.lua).not.toContain('@include');
  });
});

describe('scripts after the server forgets them', () => {
  let server: PrivateRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis({ aof: false });
    redis = createRedisClient(server.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  const waitFor = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(condition()).toBe(true);
  };

  it('decides after SCRIPT FLUSH (NOSCRIPT falls back to EVAL) and after a restart that lost the state', async () => {
    const campaign = decisionCampaign('noscript');
    const next = codeSource(1);
    const scripts = registerScripts(redis);
    const decide = async (code = next()) => (await decideScans(redis, 'sg:', campaign, [fixtureScan(campaign, code)]))[0];
    await seedCampaignState(redis, 'sg:', campaign.id, [1]);
    await waitFor(() => scripts.loaded());
    expect((await decide())?.outcome).toBe(Outcome.Won);

    await redis.script('FLUSH');
    const lua = loadScriptSources().find((source) => source.name === 'redeemBatch')?.lua ?? '';
    expect(await redis.script('EXISTS', createHash('sha1').update(lua).digest('hex'))).toEqual([0]);
    expect((await decide())?.outcome).toBe(Outcome.Won);

    // No AOF and no RDB: the restart empties Redis, so the campaign waits for its rebuild.
    await server.restart();
    await waitFor(() => redis.status === 'ready' && scripts.loaded());
    await redis.script('FLUSH');
    const lost = await decide().catch((err: unknown) => err);
    expect(isScangateError(lost, 'GW_ERR_CAMPAIGN_RECOVERING')).toBe(true);
    await seedCampaignState(redis, 'sg:', campaign.id, [1]);
    expect((await decide())?.outcome).toBe(Outcome.Won);
    scripts.close();
  });
});
