import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { createCodeSigner } from '../codes/code-signer.js';
import { createCodeVerifier } from '../codes/code-verifier.js';
import { repoPath } from '../paths.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { listBatches } from './batches.js';
import { applyCampaign } from './campaign-store.js';
import { mintBatch } from './mint.js';

let stack: TestStack;
let pool: pg.Pool;
const secrets = { codeKeys: new Map([[4, randomBytes(32)]]), signingKeyId: 4, retiredKeyIds: new Set<number>() };
const signer = createCodeSigner(secrets);
const verifier = createCodeVerifier(secrets);

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 4 });
  ({ pool } = stack);
  await applyCampaign(pool, loadCampaignFile(repoPath('config/campaigns/demo.json')), 'tester');
});

afterAll(() => stack.stop());

async function mintToText(options: { count: number; honeypots?: number; name?: string; region?: string }) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const { batch } = await mintBatch({ pool, signer, publicUrl: 'https://scan.example.com', campaignId: 'demo', out, ...options });
  return { batch, lines: Buffer.concat(chunks).toString('latin1').split('\n') };
}

describe('mintBatch', () => {
  it('writes a code,url CSV of valid codes, one per printed serial, and records honeypots apart', async () => {
    const { batch, lines } = await mintToText({ count: 3000, honeypots: 25, name: 'print-1', region: 'CN-BJ' });
    expect(batch).toMatchObject({ name: 'print-1', region: 'CN-BJ', status: 'inactive', printedCount: 3000, honeypotCount: 25, serialLast: 3024 });
    expect(lines[0]).toBe('code,url');
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(3000);
    const serials = new Set<number>();
    for (const row of rows) {
      const [code, url] = row.split(',');
      expect(url).toBe(`HTTPS://SCAN.EXAMPLE.COM/S/${code}`);
      const result = verifier.verify(code ?? '');
      if (!result.valid) throw new Error(`invalid code ${code}: ${result.reason}`);
      expect(result.batchId).toBe(batch.id);
      serials.add(result.serial);
    }
    expect(serials.size).toBe(3000);

    const { rows: honeypots } = await pool.query<{ serial: string; code: string }>('SELECT serial, code FROM honeypot_codes WHERE batch_id = $1', [batch.id]);
    expect(honeypots).toHaveLength(25);
    for (const { serial, code } of honeypots) {
      expect(serials.has(Number(serial))).toBe(false);
      expect(verifier.verify(code)).toMatchObject({ valid: true, batchId: batch.id, serial: Number(serial) });
    }
    expect(serials.size + honeypots.length).toBe(batch.serialLast + 1);
  });

  it('leaves no batch behind when the output fails', async () => {
    let written = 0;
    const failing = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done(written > 100_000 ? new Error('disk full') : null);
      },
    });
    await expect(mintBatch({ pool, signer, publicUrl: 'http://x', campaignId: 'demo', count: 50_000, honeypots: 2, name: 'doomed', out: failing })).rejects.toThrow('disk full');
    expect((await listBatches(pool)).map((b) => b.name)).not.toContain('doomed');
    expect(Number((await pool.query('SELECT count(*) AS n FROM honeypot_codes')).rows[0].n)).toBe(25);
  });

  it('refuses bad counts, too many honeypots, a region the campaign lacks and an unknown campaign', async () => {
    const attempt = (extra: Record<string, unknown>) => mintBatch({ pool, signer, publicUrl: 'http://x', campaignId: 'demo', count: 10, out: new PassThrough(), ...extra });
    await expect(attempt({ count: 0 })).rejects.toMatchObject({ code: 'GW_ERR_USAGE' });
    await expect(attempt({ count: 2.5 })).rejects.toMatchObject({ code: 'GW_ERR_USAGE' });
    await expect(attempt({ honeypots: 11 })).rejects.toMatchObject({ code: 'GW_ERR_USAGE' });
    await expect(attempt({ region: 'US-CA' })).rejects.toThrow(/not one of campaign demo's regions \(CN-SH, CN-BJ\)/);
    await expect(attempt({ campaignId: 'nope' })).rejects.toMatchObject({ code: 'GW_ERR_CAMPAIGN_UNKNOWN' });
  });
});
