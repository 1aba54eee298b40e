import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../../core/paths.js';
import { campaignKeys } from '../../../core/redis/keys.js';
import { createCliTestEnv, runCliCaptured, type CliTestEnv } from '../../testing/cli-test-env.js';

let setup: CliTestEnv;

function cli(argv: string[]) {
  return runCliCaptured(argv, setup.env);
}

beforeAll(async () => {
  setup = await createCliTestEnv('loadtest');
  expect(await cli(['migrate'])).toMatchObject({ code: 0 });
  expect(await cli(['campaign', 'apply', repoPath('config/campaigns/loadtest.json')])).toMatchObject({ code: 0 });
  expect(await cli(['campaign', 'apply', repoPath('config/campaigns/loadtest-rules-off.json')])).toMatchObject({ code: 0 });
});

afterAll(() => setup?.close());

const readJson = <T>(dir: string, name: string): T => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T;
/** SERIAL is 7 Crockford characters after V, K and BATCH; the alphabet is in ASCII order, so text order is serial order. */
const serialText = (code: string) => code.slice(7, 14);

describe('scangate loadtest prepare', () => {
  it('mints and activates a batch in the campaign\'s first region and writes the files the suites read', async () => {
    const out = path.join(setup.dir, 'run-1');
    const prepared = await cli(['loadtest', 'prepare', '--campaign', 'loadtest', '--codes', '60', '--forged', '25', '--leaked', '12', '--base-url', 'http://127.0.0.1:8080', '--out', out]);
    expect(prepared.code).toBe(0);

    const target = readJson<{ batchId: number; campaignId: string; baseUrl: string; region: { code: string; bbox: number[] } }>(out, 'target.json');
    expect(JSON.parse(prepared.stdout)).toEqual(target);
    expect(target).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', campaignId: 'loadtest', codes: 60, forged: 25, leaked: 12, region: { code: 'CN-SH', bbox: [120.85, 30.67, 122.2, 31.88] } });
    expect(await setup.query('SELECT status, region, printed_count FROM code_batches WHERE id = $1', [target.batchId])).toEqual([{ status: 'active', region: 'CN-SH', printed_count: '72' }]);
    expect(await setup.t.redis.hget(campaignKeys(setup.t.prefix, 'loadtest').batches, String(target.batchId))).toBe('1');

    const codes = readJson<string[]>(out, 'codes.json');
    const leaked = readJson<string[]>(out, 'leaked.json');
    const forged = readJson<string[]>(out, 'forged.json');
    expect(new Set([...codes, ...leaked]).size).toBe(72);
    expect(codes).not.toEqual([...codes].sort());
    expect(leaked.map(serialText)).toEqual([...leaked.map(serialText)].sort());
    expect(serialText(leaked[0] as string) > [...codes.map(serialText)].sort().at(-1)!).toBe(true);
    expect(forged).toHaveLength(25);
    for (const name of ['codes.json', 'forged.json', 'leaked.json', 'target.json']) expect(statSync(path.join(out, name)).mode & 0o777).toBe(0o600);

    expect((await cli(['codes', 'verify', codes[0] as string])).code).toBe(0);
    expect((await cli(['codes', 'verify', leaked[11] as string])).code).toBe(0);
    const forgery = forged[0] as string;
    expect(forgery.slice(0, 14)).toBe([...codes, ...leaked].find((code) => code.slice(0, 14) === forgery.slice(0, 14))?.slice(0, 14));
    expect(await cli(['codes', 'verify', forgery])).toMatchObject({ code: 1 });
  });

  it('takes the region given, defaults the base URL to publicUrl, and refuses unknown campaigns and regions', async () => {
    const out = path.join(setup.dir, 'run-2');
    expect((await cli(['loadtest', 'prepare', '--campaign', 'loadtest-rules-off', '--codes', '5', '--region', 'CN-BJ', '--out', out])).code).toBe(0);
    expect(readJson(out, 'target.json')).toMatchObject({ baseUrl: 'https://scan.example.com', campaignId: 'loadtest-rules-off', region: { code: 'CN-BJ' }, forged: 0, leaked: 0 });
    expect(readJson<string[]>(out, 'leaked.json')).toEqual([]);

    expect(await cli(['loadtest', 'prepare', '--campaign', 'no-such', '--codes', '5', '--out', out])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no-such/) });
    expect(await cli(['loadtest', 'prepare', '--campaign', 'loadtest', '--codes', '5', '--region', 'US-NY', '--out', out])).toMatchObject({ code: 2, stderr: expect.stringMatching(/US-NY/) });
    expect((await cli(['loadtest', 'prepare', '--campaign', 'loadtest'])).code).toBe(2);
    expect((await cli(['loadtest', 'prepare', '--campaign', 'loadtest', '--codes', '0'])).code).toBe(2);
    expect((await cli(['loadtest', 'launch'])).code).toBe(2);
  });
});
