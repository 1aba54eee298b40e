/**
 * Question: how many codes per second does minting write, and how close is it to the one HMAC per
 * code it cannot avoid? Runs the real streaming path (codeCsvChunks, which mintBatch pipes to its
 * output; only the batch row INSERT is left out) into a null sink, and two bare loops over the
 * same 14-byte payloads: node:crypto's createHmac (the baseline) and the hmacSha256 the
 * signer uses (what minting adds to its MAC), in alternating rounds of the same run. Targets:
 * ≥ 100k codes/s on one core, and ≥ 0.7× the bare createHmac loop. Slices are the CSV chunks (1024 codes).
 *   npm run bench -- mint [--codes 300000] [--rounds 5]
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { codeCsvChunks } from '../../core/campaigns/mint.js';
import { hmacSha256 } from '../../core/crypto/hmac-sha256.js';
import { CODE_LENGTH, codeUrlPrefix, SIGNED_LENGTH, writeSignedPart } from '../../core/codes/code-format.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { countOption } from './options.js';
import { medianRound, opsPerSecond, printMeasurements, timeSlices, type Measurement } from './stats.js';

const BATCH_ID = 4242;
const PUBLIC_URL = 'https://scan.example.com';
const SLICE = 1024;

/** Discards what it is given, noting when each chunk arrived; the clock starts when it is made. */
function nullSink(lineLength: number, codes: number): { sink: Writable; measurement: () => Measurement } {
  const sliceMicros: number[] = [];
  const started = performance.now();
  let last = started;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const now = performance.now();
      const lines = Math.floor(chunk.length / lineLength);
      if (lines > 0) sliceMicros.push(((now - last) * 1000) / lines);
      last = now;
      done();
    },
  });
  return { sink, measurement: () => ({ label: 'mint (CSV to null sink)', ops: codes, seconds: (last - started) / 1000, sliceMicros }) };
}

export async function run(args: string[]): Promise<void> {
  const codes = countOption(args, 'codes', 300_000);
  const rounds = countOption(args, 'rounds', 5);
  const key = randomBytes(32);
  const signer = createCodeSigner({ codeKeys: new Map([[1, key]]), signingKeyId: 1 });
  const lineLength = CODE_LENGTH + 1 + codeUrlPrefix(PUBLIC_URL).length + CODE_LENGTH + 1;

  const payloads = Array.from({ length: codes }, (_, serial) => {
    const payload = Buffer.alloc(SIGNED_LENGTH);
    writeSignedPart(1, BATCH_ID, serial, payload, 0);
    return payload;
  });
  const hmacKey = createSecretKey(key);
  const keyedHmac = hmacSha256(key);

  const mints: Measurement[] = [];
  const bares: Measurement[] = [];
  const keyedBares: Measurement[] = [];
  for (let round = 0; round < rounds; round++) {
    const recorder = nullSink(lineLength, codes);
    const chunks = codeCsvChunks({ signer, publicUrl: PUBLIC_URL, batchId: BATCH_ID, serialFirst: 0, serialLast: codes - 1, skip: new Set() });
    await pipeline(Readable.from(chunks, { objectMode: false }), recorder.sink);
    mints.push(recorder.measurement());

    bares.push(
      timeSlices('bare createHmac loop', Math.floor(codes / SLICE), SLICE, (slice) => {
        for (let i = slice * SLICE; i < (slice + 1) * SLICE; i++) createHmac('sha256', hmacKey).update(payloads[i] as Buffer).digest();
      }),
    );
    keyedBares.push(
      timeSlices('bare hmacSha256 loop', Math.floor(codes / SLICE), SLICE, (slice) => {
        for (let i = slice * SLICE; i < (slice + 1) * SLICE; i++) keyedHmac.digest(payloads[i] as Buffer);
      }),
    );
  }

  const mint = medianRound(mints);
  const bare = medianRound(bares);
  const keyedBare = medianRound(keyedBares);
  printMeasurements(`mint: ${codes} codes per round, ${rounds} rounds alternating; median round shown`, [mint, bare, keyedBare]);
  const ratio = opsPerSecond(mint) / opsPerSecond(bare);
  console.log(`mint / bare createHmac = ${ratio.toFixed(2)}  (targets: ≥ 100,000 codes/s and ≥ 0.70)`);
  console.log(`mint / bare hmacSha256 = ${(opsPerSecond(mint) / opsPerSecond(keyedBare)).toFixed(2)}  (the share of minting that is its MAC)`);
}
