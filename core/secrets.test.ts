import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isScangateError } from './errors.js';
import { generatedSecretsPath, loadSecrets } from './secrets.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scangate-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const b64 = (bytes = 32) => randomBytes(bytes).toString('base64');

function secretsError(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(isScangateError(err, 'GW_ERR_SECRETS')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected GW_ERR_SECRETS');
}

describe('loadSecrets', () => {
  it('generates a 0600 key file under the data dir once, then reads the same keys', () => {
    const dataDir = tempDir();
    const first = loadSecrets({ dataDir }, {});
    const file = generatedSecretsPath({ dataDir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.signingKeyId).toBe(1);
    expect(first.codeKeys.get(1)).toHaveLength(32);
    expect(first.cookieKey).toHaveLength(32);
    const again = loadSecrets({ dataDir }, {});
    expect(again.codeKeys.get(1)).toEqual(first.codeKeys.get(1));
    expect(again.drawKey('demo')).toEqual(first.drawKey('demo'));
    expect(readdirSync(dataDir)).toEqual(['secrets.json']);
  });

  it('reads several code keys, the signing id and retired ids from the environment', () => {
    const [k1, k2, cookie, draw] = [b64(), b64(48), b64(), b64()];
    const secrets = loadSecrets(
      { dataDir: tempDir() },
      {
        SCANGATE_CODE_KEYS: `1:${k1}, 2:${k2}`,
        SCANGATE_SIGNING_KEY_ID: '2',
        SCANGATE_RETIRED_KEY_IDS: '0,3',
        SCANGATE_COOKIE_KEY: cookie,
        SCANGATE_DRAW_KEY: draw,
      },
    );
    expect([...secrets.codeKeys.keys()]).toEqual([1, 2]);
    expect(secrets.codeKeys.get(2)).toEqual(Buffer.from(k2, 'base64'));
    expect(secrets.signingKeyId).toBe(2);
    expect([...secrets.retiredKeyIds]).toEqual([0, 3]);
    expect(secrets.cookieKey).toEqual(Buffer.from(cookie, 'base64'));
    expect(secrets.drawKey('demo')).toEqual(createHmac('sha256', Buffer.from(draw, 'base64')).update('demo').digest());
    expect(secrets.drawKey('demo')).not.toEqual(secrets.drawKey('other'));
  });

  it('reads a key file named by SCANGATE_SECRETS_FILE', () => {
    const file = path.join(tempDir(), 'keys.json');
    const key = b64();
    writeFileSync(file, JSON.stringify({ codeKeys: { '7': key }, cookieKey: b64(), drawKey: b64() }));
    const secrets = loadSecrets({ dataDir: tempDir() }, { SCANGATE_SECRETS_FILE: file });
    expect(secrets.signingKeyId).toBe(7);
    expect(secrets.codeKeys.get(7)).toEqual(Buffer.from(key, 'base64'));
  });

  it('refuses malformed secrets with GW_ERR_SECRETS, never echoing a key', () => {
    const short = b64(16);
    const env = (extra: Record<string, string>) => ({ SCANGATE_COOKIE_KEY: b64(), SCANGATE_DRAW_KEY: b64(), ...extra });
    const load = (extra: Record<string, string>) => () => loadSecrets({ dataDir: tempDir() }, env(extra));
    const shortMessage = secretsError(load({ SCANGATE_CODE_KEYS: `1:${short}` }));
    expect(shortMessage).toMatch(/code key 1 is 16 bytes/);
    expect(shortMessage).not.toContain(short);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: `32:${b64()}` }))).toMatch(/key id "32"/);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: b64() }))).toMatch(/entry 1 is not/);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: `1:${b64()},2:${b64()}` }))).toMatch(/name the signing one/);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: `1:${b64()}`, SCANGATE_SIGNING_KEY_ID: '4' }))).toMatch(/signing key id 4 has no code key/);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: `1:${b64()}`, SCANGATE_RETIRED_KEY_IDS: '1' }))).toMatch(/both a code key and retired/);
    expect(secretsError(load({ SCANGATE_CODE_KEYS: '1:not base64!' }))).toMatch(/code key 1 is not base64/);
    expect(secretsError(() => loadSecrets({ dataDir: tempDir() }, { SCANGATE_CODE_KEYS: `1:${b64()}` }))).toMatch(/SCANGATE_COOKIE_KEY is not set/);
    expect(secretsError(() => loadSecrets({ dataDir: tempDir() }, { SCANGATE_DRAW_KEY: b64() }))).toMatch(/without SCANGATE_CODE_KEYS/);
    expect(secretsError(() => loadSecrets({ dataDir: tempDir() }, { SCANGATE_SECRETS_FILE: '/x', SCANGATE_CODE_KEYS: `1:${b64()}` }))).toMatch(/use one source/);
    const badFile = path.join(tempDir(), 'bad.json');
    writeFileSync(badFile, JSON.stringify({ codeKeys: { '1': b64() }, cookieKey: b64(), drawKey: b64(), extra: 1 }));
    expect(secretsError(() => loadSecrets({ dataDir: tempDir() }, { SCANGATE_SECRETS_FILE: badFile }))).toMatch(/Unrecognized key/);
    expect(secretsError(() => loadSecrets({ dataDir: tempDir() }, { SCANGATE_SECRETS_FILE: path.join(tempDir(), 'missing.json') }))).toMatch(/cannot read: ENOENT/);
  });

  it('shows which keys exist, not the keys, when logged or serialised', () => {
    const key = b64();
    const secrets = loadSecrets({ dataDir: tempDir() }, { SCANGATE_CODE_KEYS: `3:${key}`, SCANGATE_COOKIE_KEY: b64(), SCANGATE_DRAW_KEY: b64() });
    for (const shown of [JSON.stringify(secrets), inspect(secrets, { depth: 5 })]) {
      expect(shown).toContain('signingKeyId');
      expect(shown).not.toContain(key);
      expect(shown).not.toContain('Buffer');
      expect(shown).not.toContain('"data"');
    }
  });
});
