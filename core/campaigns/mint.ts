import { randomInt } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { CODE_LENGTH, codeUrlPrefix, MAX_SERIAL } from '../codes/code-format.js';
import type { CodeSigner } from '../codes/code-signer.js';
import { withTransaction } from '../db/transaction.js';
import { ScangateError } from '../errors.js';
import { createBatch, type Batch } from './batches.js';
import { getCampaign } from './campaign-store.js';

/** Canaries are a handful per print run; a cap keeps their set (held in memory) small. */
const MAX_HONEYPOTS = 100_000;
const LINES_PER_CHUNK = 1024;
const CSV_HEADER = 'code,url\n';

export interface CodeCsvInput {
  readonly signer: CodeSigner;
  readonly publicUrl: string;
  readonly batchId: number;
  /** serials first..last inclusive, minus `skip` */
  readonly serialFirst: number;
  readonly serialLast: number;
  readonly skip: ReadonlySet<number>;
}

/**
 * The printer file, `code,url` lines, as chunks of bytes. Each code is signed straight into the
 * chunk and copied once into its URL: no string per code. Pulled one chunk at a time, so memory
 * stays constant whatever the count.
 */
export function* codeCsvChunks({ signer, publicUrl, batchId, serialFirst, serialLast, skip }: CodeCsvInput): Generator<Buffer> {
  yield Buffer.from(CSV_HEADER);
  const prefix = Buffer.from(codeUrlPrefix(publicUrl), 'latin1');
  const urlAt = CODE_LENGTH + 1;
  const codeInUrlAt = urlAt + prefix.length;
  const lineLength = codeInUrlAt + CODE_LENGTH + 1;
  let serial = serialFirst;
  while (serial <= serialLast) {
    const chunk = Buffer.allocUnsafe(lineLength * LINES_PER_CHUNK);
    let offset = 0;
    for (; serial <= serialLast && offset < chunk.length; serial++) {
      if (skip.has(serial)) continue;
      signer.writeCode(batchId, serial, chunk, offset);
      chunk[offset + CODE_LENGTH] = 0x2c; // ,
      prefix.copy(chunk, offset + urlAt);
      chunk.copy(chunk, offset + codeInUrlAt, offset, offset + CODE_LENGTH);
      chunk[offset + lineLength - 1] = 0x0a; // \n
      offset += lineLength;
    }
    if (offset > 0) yield chunk.subarray(0, offset);
  }
}

function pickHoneypotSerials(count: number, serialLast: number): Set<number> {
  const serials = new Set<number>();
  while (serials.size < count) serials.add(randomInt(0, serialLast + 1));
  return serials;
}

export interface MintInput {
  readonly pool: pg.Pool;
  readonly signer: CodeSigner;
  readonly publicUrl: string;
  readonly campaignId: string;
  /** codes printed */
  readonly count: number;
  readonly name?: string;
  /** region the batch ships to: one of the campaign's regions */
  readonly region?: string;
  /** canary codes recorded in honeypot_codes, never written to `out` */
  readonly honeypots?: number;
  /** receives the CSV; ended when done (process.stdout is left open) */
  readonly out: Writable;
}

/**
 * Creates a batch and writes its codes. The batch row and its honeypots commit only after the
 * whole file is written, so a failed mint leaves no batch behind.
 */
export async function mintBatch(input: MintInput): Promise<{ batch: Batch }> {
  const honeypots = input.honeypots ?? 0;
  if (!Number.isSafeInteger(input.count) || input.count < 1) throw new ScangateError('GW_ERR_USAGE', `count must be a whole number of at least 1, got ${input.count}`);
  if (input.count + honeypots - 1 > MAX_SERIAL) throw new ScangateError('GW_ERR_USAGE', `a batch holds at most ${MAX_SERIAL + 1} codes`);
  if (!Number.isInteger(honeypots) || honeypots < 0 || honeypots > Math.min(input.count, MAX_HONEYPOTS))
    throw new ScangateError('GW_ERR_USAGE', `honeypots must be from 0 to the count (at most ${MAX_HONEYPOTS}), got ${honeypots}`);
  const campaign = await getCampaign(input.pool, input.campaignId);
  if (input.region !== undefined && !campaign.regions.some((region) => region.code === input.region))
    throw new ScangateError('GW_ERR_USAGE', `region "${input.region}" is not one of campaign ${campaign.id}'s regions (${campaign.regions.map((r) => r.code).join(', ') || 'none'})`);

  return withTransaction(input.pool, async (client) => {
    const batch = await createBatch(client, {
      campaignId: campaign.id,
      printedCount: input.count,
      honeypotCount: honeypots,
      ...(input.name !== undefined && { name: input.name }),
      region: input.region ?? null,
    });
    const honeypotSerials = pickHoneypotSerials(honeypots, batch.serialLast);
    if (honeypots > 0) {
      const serials = [...honeypotSerials];
      await client.query('INSERT INTO honeypot_codes (batch_id, serial, code) SELECT $1, unnest($2::bigint[]), unnest($3::text[])', [
        batch.id,
        serials,
        serials.map((serial) => input.signer.sign(batch.id, serial)),
      ]);
    }
    const chunks = codeCsvChunks({ signer: input.signer, publicUrl: input.publicUrl, batchId: batch.id, serialFirst: batch.serialFirst, serialLast: batch.serialLast, skip: honeypotSerials });
    await pipeline(Readable.from(chunks, { objectMode: false }), input.out);
    return { batch };
  });
}
