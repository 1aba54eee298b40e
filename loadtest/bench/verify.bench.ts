/**
 * Question: what does verifying a scanned code cost, for genuine codes and for the junk an
 * attacker sends? Genuine codes pay one HMAC; garbage (wrong length, symbols outside the alphabet,
 * wrong version, unknown key) must be refused far more cheaply, before any HMAC; forged codes
 * (well-formed, wrong tag) pay the HMAC and fail the constant-time compare.
 *   npm run bench -- verify [--codes 100000] [--rounds 5]
 */
import { randomBytes } from 'node:crypto';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { CROCKFORD_ALPHABET } from '../../core/codes/crockford.js';
import { countOption } from './options.js';
import { medianRound, opsPerSecond, printMeasurements, timeSlices, type Measurement } from './stats.js';

const SLICE = 1000;

function garbage(code: string, i: number): string {
  switch (i % 5) {
    case 0:
      return code.slice(0, 10 + (i % 19)); // truncated
    case 1:
      return `${code}${code}`; // over-long
    case 2:
      return `${code.slice(0, i % 30)}!${code.slice((i % 30) + 1)}`; // outside the alphabet
    case 3:
      return `9${code.slice(1)}`; // unknown version
    default:
      return `1${CROCKFORD_ALPHABET[10 + (i % 20)]}${code.slice(2)}`; // unknown key id
  }
}

function forged(code: string, i: number): string {
  const at = 14 + (i % 16);
  const swapped = CROCKFORD_ALPHABET[(CROCKFORD_ALPHABET.indexOf(code[at] as string) + 1) % 32] as string;
  return code.slice(0, at) + swapped + code.slice(at + 1);
}

export async function run(args: string[]): Promise<void> {
  const count = Math.ceil(countOption(args, 'codes', 100_000) / SLICE) * SLICE;
  const rounds = countOption(args, 'rounds', 5);
  const secrets = { codeKeys: new Map([[1, randomBytes(32)], [2, randomBytes(32)]]), signingKeyId: 1, retiredKeyIds: new Set([0]) };
  const signer = createCodeSigner(secrets);
  const verifier = createCodeVerifier(secrets);
  const valid = Array.from({ length: count }, (_, serial) => signer.sign(77, serial));
  const inputs: [string, string[]][] = [
    ['valid', valid],
    ['garbage (length, alphabet, version, key)', valid.map(garbage)],
    ['forged tag', valid.map(forged)],
  ];

  const results = inputs.map(([label, codes]) => {
    const measured: Measurement[] = [];
    let accepted = 0;
    for (let round = 0; round < rounds; round++) {
      measured.push(
        timeSlices(label, count / SLICE, SLICE, (slice) => {
          for (let i = slice * SLICE; i < (slice + 1) * SLICE; i++) if (verifier.verify(codes[i] as string).valid) accepted++;
        }),
      );
    }
    return { measurement: medianRound(measured), accepted: accepted / rounds };
  });

  printMeasurements(`verify: ${count} codes per kind, ${rounds} rounds; median round shown`, results.map((r) => r.measurement));
  console.log(`accepted per round: ${results.map((r, i) => `${inputs[i]?.[0]} ${r.accepted}`).join(', ')}`);
  const [validRate, garbageRate, forgedRate] = results.map((r) => opsPerSecond(r.measurement));
  console.log(`garbage / valid = ${((garbageRate ?? 0) / (validRate ?? 1)).toFixed(1)}×, forged / valid = ${((forgedRate ?? 0) / (validRate ?? 1)).toFixed(2)}×`);
}
