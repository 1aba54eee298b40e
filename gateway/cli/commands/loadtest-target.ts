import { randomInt } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { setBatchStatus, type Batch } from '../../../core/campaigns/batches.js';
import { getCampaign } from '../../../core/campaigns/campaign-store.js';
import { mintBatch } from '../../../core/campaigns/mint.js';
import { CODE_LENGTH, TAG_AT } from '../../../core/codes/code-format.js';
import type { CodeSigner } from '../../../core/codes/code-signer.js';
import { CROCKFORD_ALPHABET } from '../../../core/codes/crockford.js';

/** What the k6 suites read from `target.json`: where to scan, and what the batch is. */
export interface LoadTarget {
  readonly baseUrl: string;
  readonly campaignId: string;
  readonly batchId: number;
  readonly batchName: string;
  /** the batch's region and its box, so suites can send locations inside or far outside it */
  readonly region: { readonly code: string; readonly bbox: readonly [number, number, number, number] } | null;
  readonly codes: number;
  readonly forged: number;
  readonly leaked: number;
}

export interface PrepareInput {
  readonly pool: pg.Pool;
  readonly redis: { readonly client: Redis; readonly prefix: string };
  readonly signer: CodeSigner;
  readonly publicUrl: string;
  readonly baseUrl: string;
  readonly campaignId: string;
  /** genuine codes for the suites, written shuffled to codes.json */
  readonly codes: number;
  /** wrong-tag codes of the same batch, forged.json */
  readonly forged: number;
  /** further genuine codes, in serial order, that no suite scans except the leaked-file actor */
  readonly leaked: number;
  /** defaults to the campaign's first region (none when it has none) */
  readonly region?: string;
  readonly actor: string;
  readonly outDir: string;
}

/** Fisher-Yates: the suites hand codes out in file order, so the order must not be the serial order. */
function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The genuine code with a random tag: same batch and serial, so only the signature check can refuse it. */
export function forgeCode(genuine: string): string {
  let tag = '';
  do {
    tag = Array.from({ length: CODE_LENGTH - TAG_AT }, () => CROCKFORD_ALPHABET[randomInt(0, CROCKFORD_ALPHABET.length)]).join('');
  } while (tag === genuine.slice(TAG_AT));
  return genuine.slice(0, TAG_AT) + tag;
}

/** Collects the printer CSV's codes (first column) in serial order. */
function codeCollector(codes: string[]): Writable {
  let rest = '';
  const take = (lines: string[]) => {
    for (const line of lines) if (line !== '' && line !== 'code,url') codes.push(line.slice(0, CODE_LENGTH));
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop() ?? '';
      take(lines);
      done();
    },
    final(done) {
      take([rest]);
      done();
    },
  });
}

async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * Mints one batch of codes + leaked codes, activates it (Postgres, then the Redis mirror) and writes
 * what the k6 suites read: codes.json, forged.json, leaked.json and target.json. Genuine codes are
 * valuable on a live stack, so the files are 0600.
 */
export async function prepareLoadTarget(input: PrepareInput): Promise<{ batch: Batch; target: LoadTarget }> {
  const campaign = await getCampaign(input.pool, input.campaignId);
  const regionCode = input.region ?? campaign.regions[0]?.code;
  const codes: string[] = [];
  const { batch } = await mintBatch({
    pool: input.pool,
    signer: input.signer,
    publicUrl: input.publicUrl,
    campaignId: campaign.id,
    count: input.codes + input.leaked,
    out: codeCollector(codes),
    ...(regionCode !== undefined && { region: regionCode }),
  });
  const active = await setBatchStatus(input.pool, batch.id, true, input.redis, input.actor);
  const region = campaign.regions.find((r) => r.code === regionCode);
  const target: LoadTarget = {
    baseUrl: input.baseUrl,
    campaignId: campaign.id,
    batchId: active.id,
    batchName: active.name,
    region: region ? { code: region.code, bbox: region.bbox } : null,
    codes: input.codes,
    forged: input.forged,
    leaked: input.leaked,
  };
  const genuine = codes.slice(0, input.codes);
  await mkdir(input.outDir, { recursive: true });
  await writeJson(input.outDir, 'codes.json', shuffled([...genuine]));
  await writeJson(input.outDir, 'forged.json', Array.from({ length: input.forged }, (_, i) => forgeCode(genuine[i % genuine.length] as string)));
  await writeJson(input.outDir, 'leaked.json', codes.slice(input.codes));
  await writeJson(input.outDir, 'target.json', target);
  return { batch: active, target };
}
