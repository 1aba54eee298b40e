import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import type { AppConfig } from '../config/app-config.js';
import { formatZodIssues } from '../config/format-issues.js';
import { MAX_KEY_ID } from './codes/code-format.js';
import { ScangateError } from './errors.js';

/**
 * Key material. Loaded from, in this order: the JSON file named by SCANGATE_SECRETS_FILE; the
 * SCANGATE_* variables below; `<dataDir>/secrets.json`, generated (mode 0600) on first use so
 * the local demo needs no set-up. Error messages name the source and the problem, never a key.
 */
export interface Secrets {
  /** code-signing keys that verify, by key id (0–31) */
  readonly codeKeys: ReadonlyMap<number, Buffer>;
  /** the key id new codes are signed with */
  readonly signingKeyId: number;
  /** key ids whose codes are now refused (kept apart from unknown ids for the reason code) */
  readonly retiredKeyIds: ReadonlySet<number>;
  /** signs the device cookie */
  readonly cookieKey: Buffer;
  /** the draw key of one campaign: HMAC-SHA-256(draw master key, campaignId) */
  drawKey(campaignId: string): Buffer;
}

/** The key file, and the generated demo file, look like this (keys base64, at least 32 bytes). */
interface SecretsFile {
  codeKeys: Record<string, string>;
  signingKeyId: number;
  retiredKeyIds: number[];
  cookieKey: string;
  drawKey: string;
}

export const secretEnvVars = {
  file: 'SCANGATE_SECRETS_FILE',
  codeKeys: 'SCANGATE_CODE_KEYS',
  signingKeyId: 'SCANGATE_SIGNING_KEY_ID',
  retiredKeyIds: 'SCANGATE_RETIRED_KEY_IDS',
  cookieKey: 'SCANGATE_COOKIE_KEY',
  drawKey: 'SCANGATE_DRAW_KEY',
} as const;

const MIN_KEY_BYTES = 32;
const base64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

type Env = Readonly<Record<string, string | undefined>>;

const secretsFileSchema = z
  .object({
    codeKeys: z.record(z.string(), z.string()),
    signingKeyId: z.number().int().optional(),
    retiredKeyIds: z.array(z.number().int()).default([]),
    cookieKey: z.string(),
    drawKey: z.string(),
  })
  .strict();

function fail(source: string, problem: string): never {
  throw new ScangateError('GW_ERR_SECRETS', `${source}: ${problem}`);
}

function decodeKey(source: string, what: string, encoded: string): Buffer {
  if (!base64.test(encoded)) fail(source, `${what} is not base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES) fail(source, `${what} is ${key.length} bytes; at least ${MIN_KEY_BYTES} are required`);
  return key;
}

function parseKeyId(source: string, raw: string | number): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id < 0 || id > MAX_KEY_ID) fail(source, `key id "${raw}" is not a whole number from 0 to ${MAX_KEY_ID}`);
  return id;
}

interface RawSecrets {
  codeKeys: [string, string][];
  signingKeyId?: string | number | undefined;
  retiredKeyIds: (string | number)[];
  cookieKey: string;
  drawKey: string;
}

function buildSecrets(source: string, raw: RawSecrets): Secrets {
  const codeKeys = new Map<number, Buffer>();
  for (const [rawId, encoded] of raw.codeKeys) {
    const id = parseKeyId(source, rawId);
    if (codeKeys.has(id)) fail(source, `code key id ${id} is listed twice`);
    codeKeys.set(id, decodeKey(source, `code key ${id}`, encoded));
  }
  if (codeKeys.size === 0) fail(source, 'no code-signing key');
  const retiredKeyIds = new Set(raw.retiredKeyIds.map((id) => parseKeyId(source, id)));
  for (const id of retiredKeyIds) if (codeKeys.has(id)) fail(source, `key id ${id} is both a code key and retired; remove its key`);
  if (raw.signingKeyId === undefined && codeKeys.size > 1) fail(source, 'several code keys: name the signing one (signingKeyId)');
  const signingKeyId = raw.signingKeyId === undefined ? (codeKeys.keys().next().value as number) : parseKeyId(source, raw.signingKeyId);
  if (!codeKeys.has(signingKeyId)) fail(source, `signing key id ${signingKeyId} has no code key`);
  const cookieKey = decodeKey(source, 'cookie key', raw.cookieKey);
  const drawMaster = decodeKey(source, 'draw key', raw.drawKey);

  const drawKeys = new Map<string, Buffer>();
  const summary = { source, signingKeyId, codeKeyIds: [...codeKeys.keys()], retiredKeyIds: [...retiredKeyIds] };
  return {
    codeKeys,
    signingKeyId,
    retiredKeyIds,
    cookieKey,
    drawKey(campaignId) {
      let key = drawKeys.get(campaignId);
      if (!key) drawKeys.set(campaignId, (key = createHmac('sha256', drawMaster).update(campaignId).digest()));
      return key;
    },
    // Logging or serialising the secrets shows which keys exist, never the keys.
    toJSON: () => summary,
    [inspect.custom]: () => `Secrets ${inspect(summary)}`,
  } as Secrets;
}

function fromFile(file: string): Secrets {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(file, 'not valid JSON');
  }
  const parsed = secretsFileSchema.safeParse(json);
  // zod messages name keys and expectations, not values
  if (!parsed.success) fail(file, formatZodIssues(parsed.error));
  return buildSecrets(file, { ...parsed.data, codeKeys: Object.entries(parsed.data.codeKeys) });
}

function list(value: string | undefined): string[] {
  return value === undefined || value.trim() === '' ? [] : value.split(',').map((item) => item.trim());
}

function fromEnv(env: Env): Secrets {
  const source = 'environment';
  const codeKeys = list(env[secretEnvVars.codeKeys]).map((entry, i): [string, string] => {
    const colon = entry.indexOf(':');
    if (colon < 1) fail(source, `${secretEnvVars.codeKeys} entry ${i + 1} is not "<keyId>:<base64 key>"`);
    return [entry.slice(0, colon), entry.slice(colon + 1)];
  });
  const required = (name: string): string => env[name] || fail(source, `${name} is not set (${secretEnvVars.codeKeys} is)`);
  return buildSecrets(source, {
    codeKeys,
    signingKeyId: env[secretEnvVars.signingKeyId] || undefined,
    retiredKeyIds: list(env[secretEnvVars.retiredKeyIds]),
    cookieKey: required(secretEnvVars.cookieKey),
    drawKey: required(secretEnvVars.drawKey),
  });
}

/**
 * Writes a fresh key file unless one exists. Written aside and hard-linked into place, so a
 * concurrent start never reads half a file and never overwrites keys another process made.
 */
function generateFile(file: string): void {
  const key = () => randomBytes(MIN_KEY_BYTES).toString('base64');
  const fresh: SecretsFile = { codeKeys: { '1': key() }, signingKeyId: 1, retiredKeyIds: [], cookieKey: key(), drawKey: key() };
  mkdirSync(path.dirname(file), { recursive: true });
  const aside = `${file}.${randomUUID()}.tmp`;
  writeFileSync(aside, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
}

/** The path of the key file generated for local use. */
export function generatedSecretsPath(config: Pick<AppConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'secrets.json');
}

export function loadSecrets(config: Pick<AppConfig, 'dataDir'>, env: Env = process.env): Secrets {
  const file = env[secretEnvVars.file];
  const keyVars = Object.values(secretEnvVars).filter((name) => name !== secretEnvVars.file && env[name]);
  if (file && keyVars.length > 0) fail('environment', `${secretEnvVars.file} and ${keyVars.join(', ')} are both set; use one source`);
  if (file) return fromFile(file);
  if (env[secretEnvVars.codeKeys]) return fromEnv(env);
  if (keyVars.length > 0) fail('environment', `${keyVars.join(', ')} set without ${secretEnvVars.codeKeys}`);
  const generated = generatedSecretsPath(config);
  if (!existsSync(generated)) generateFile(generated);
  return fromFile(generated);
}
