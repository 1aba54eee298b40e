import type pg from 'pg';
import type { Ban } from '../bans/bans.js';
import { getBatch, type Batch } from '../campaigns/batches.js';
import type { CodeVerifier, InvalidCodeReason } from '../codes/code-verifier.js';
import { isScangateError } from '../errors.js';
import { codeFromInput } from './code-input.js';
import { bansTouching, subjectsOfScans } from './touching-bans.js';
import {
  batchActivations,
  codeOfScan,
  redemptionOfCode,
  reviewsOfCode,
  scansOfCode,
  type TracedRedemption,
  type TracedReview,
  type TracedScan,
} from './trace-rows.js';

export interface TraceDeps {
  readonly pool: pg.Pool;
  readonly verifier: CodeVerifier;
  /** ms since the epoch: which bans are in force */
  readonly now: () => number;
}

/**
 * What the signature says: `valid`; `forged` (laid out as a code, but the MAC or key is wrong);
 * `out_of_range` (signed, but its batch does not exist or does not hold that serial: leaked keys,
 * or a batch deleted); `malformed` (not a code at all).
 */
export type SignatureVerdict = 'valid' | 'forged' | 'out_of_range' | 'malformed';

export interface CodeTrace {
  /** the code in canonical spelling, or the text as given when it is not one */
  readonly code: string;
  readonly signature: SignatureVerdict;
  /** why the verifier refused it */
  readonly invalidReason: InvalidCodeReason | null;
  /** the BATCH and SERIAL fields (claimed ones for a forged code); null when malformed */
  readonly batchId: number | null;
  readonly serial: number | null;
  readonly batch: Batch | null;
  readonly activations: { at: Date; actor: string; action: string }[];
  readonly scans: TracedScan[];
  readonly redemption: TracedRedemption | null;
  readonly reviews: TracedReview[];
  readonly bans: Ban[];
}

async function batchOrNull(pool: pg.Pool, batchId: number): Promise<Batch | null> {
  try {
    return await getBatch(pool, batchId);
  } catch (err) {
    if (isScangateError(err, 'GW_ERR_BATCH_UNKNOWN')) return null;
    throw err;
  }
}

/** A code's whole story, from any spelling of it: signature, batch, every scan, redemption, reviews, bans. */
export async function traceCode(deps: TraceDeps, input: string): Promise<CodeTrace> {
  const raw = codeFromInput(input);
  const verdict = deps.verifier.verify(raw);
  const none = { activations: [], scans: [], redemption: null, reviews: [], bans: [] };
  if (!verdict.valid) {
    const claimed = deps.verifier.claimedBatchId(raw);
    const batch = claimed === undefined ? null : await batchOrNull(deps.pool, claimed);
    return {
      code: raw,
      signature: claimed === undefined ? 'malformed' : 'forged',
      invalidReason: verdict.reason,
      batchId: claimed ?? null,
      serial: null,
      batch,
      ...none,
    };
  }
  const batch = await batchOrNull(deps.pool, verdict.batchId);
  const inRange = batch !== null && verdict.serial >= batch.serialFirst && verdict.serial <= batch.serialLast;
  const base = { code: verdict.code, invalidReason: null, batchId: verdict.batchId, serial: verdict.serial, batch };
  if (!batch) return { ...base, signature: 'out_of_range', ...none };
  const [activations, scans, redemption, reviews] = await Promise.all([
    batchActivations(deps.pool, batch.id),
    scansOfCode(deps.pool, batch.campaignId, verdict.code),
    redemptionOfCode(deps.pool, batch.campaignId, verdict.code),
    reviewsOfCode(deps.pool, batch.campaignId, verdict.code),
  ]);
  const bans = await bansTouching(deps, subjectsOfScans(scans), batch.campaignId);
  return { ...base, signature: inRange ? 'valid' : 'out_of_range', activations, scans, redemption, reviews, bans };
}

/** The trace of the code a scan id (a stream entry id) belongs to; null when no scan has that id. */
export async function traceScan(deps: TraceDeps, scanId: string): Promise<CodeTrace | null> {
  const found = await codeOfScan(deps.pool, scanId);
  return found ? traceCode(deps, found.code) : null;
}
