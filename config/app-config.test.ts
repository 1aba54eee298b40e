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

  it('is not moved by ADMIN_PORT, which moves the admin console (8081 on 127.0.0.1 by default)', () => {
    expect(loadAppConfig({ ADMIN_PORT: '8090' })).toMatchObject({ opsPort: 9464, adminPort: 8090, adminHost: '127.0.0.1' });
    expect(loadAppConfig({})).toMatchObject({ adminPort: 8081 });
    expect(loadAppConfig({ SCANGATE_ADMIN_URL: 'https://admin.example.com' }).adminUrl).toBe('https://admin.example.com');
  });

  it('takes adminPort and adminHost from the config file, and still rejects unknown keys', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-config-'));
    try {
      const file = path.join(dir, 'config.json');
      await writeFile(file, JSON.stringify({ adminPort: 8091, adminHost: '0.0.0.0' }));
      expect(loadAppConfig({ SCANGATE_CONFIG: file })).toMatchObject({ adminPort: 8091, adminHost: '0.0.0.0' });
      await writeFile(file, JSON.stringify({ adminPrt: 8091 }));
      expect(() => loadAppConfig({ SCANGATE_CONFIG: file })).toThrow(ConfigError);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
