import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAppConfig } from './app-config.js';

describe('the ops port', () => {
  it('serves metrics on 127.0.0.1:9464 by default, and OPS_PORT moves it', () => {
    expect(loadAppConfig({})).toMatchObject({ opsPort: 9464, opsHost: '127.0.0.1' });
    expect(loadAppConfig({ OPS_PORT: '9500' }).opsPort).toBe(9500);
  });

  it('is not moved by ADMIN_PORT (the admin console\'s), and the old adminPort key is an unknown key', async () => {
    expect(loadAppConfig({ ADMIN_PORT: '8081' }).opsPort).toBe(9464);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-config-'));
    try {
      const file = path.join(dir, 'config.json');
      await writeFile(file, JSON.stringify({ adminPort: 8081 }));
      expect(() => loadAppConfig({ SCANGATE_CONFIG: file })).toThrow(ConfigError);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
