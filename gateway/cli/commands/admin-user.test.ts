import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../admin/users/password.js';
import { ensureDemoLogin, demoUsername } from '../../../admin/users/demo-login.js';
import { createPool } from '../../../core/db/pool.js';
import { createCliTestEnv, runCliCaptured, type CliTestEnv } from '../../testing/cli-test-env.js';

let setup: CliTestEnv;

beforeAll(async () => {
  setup = await createCliTestEnv('admin-user');
  expect(await cli(['migrate'])).toMatchObject({ code: 0 });
});

afterAll(() => setup?.close());

function cli(argv: string[], stdinText = '') {
  return runCliCaptured(argv, setup.env, stdinText);
}

const hashOf = async (username: string) => (await setup.query<{ password_hash: string }>('SELECT password_hash FROM admin_users WHERE username = $1', [username]))[0]?.password_hash ?? '';

describe('scangate admin-user', () => {
  it('adds a user with the password from stdin (argon2id), audited; a short password or a second add is refused', async () => {
    const added = await cli(['admin-user', 'add', '--username', 'alice', '--role', 'reviewer', '--password-stdin'], 'correct horse battery\n');
    expect(added).toMatchObject({ code: 0, stdout: '' });
    const hash = await hashOf('alice');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await cli(['admin-user', 'add', '--username', 'bob', '--role', 'viewer', '--password-stdin'], 'short-pass\n')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/at least 12 characters/),
    });
    expect(await hashOf('bob')).toBe('');
    expect((await cli(['admin-user', 'add', '--username', 'alice', '--role', 'viewer', '--password-stdin'], 'another long password\n')).code).toBe(1);
    expect((await cli(['admin-user', 'add', '--username', 'carol', '--role', 'root'])).code).toBe(2);
    const audit = await setup.query<{ actor: string; subject: string }>(`SELECT actor, subject FROM audit_log WHERE action = 'user.add'`);
    expect(audit).toEqual([{ actor: expect.stringMatching(/^cli:/), subject: 'user:alice' }]);
  });

  it('generates a password and prints it once, resets it, disables and lists', async () => {
    const added = await cli(['admin-user', 'add', '--username', 'dave', '--role', 'admin']);
    const password = /^password: (\S{24})\n$/.exec(added.stdout)?.[1] as string;
    expect(await verifyPassword(await hashOf('dave'), password)).toBe(true);
    const reset = await cli(['admin-user', 'reset-password', '--username', 'dave']);
    const second = /^password: (\S{24})\n$/.exec(reset.stdout)?.[1] as string;
    expect(second).not.toBe(password);
    expect(await verifyPassword(await hashOf('dave'), second)).toBe(true);
    expect(await cli(['admin-user', 'disable', '--username', 'dave'])).toMatchObject({ code: 0 });
    expect((await cli(['admin-user', 'disable', '--username', 'nobody'])).code).toBe(1);
    expect((await cli(['admin-user', 'list'])).stdout).toBe('alice\treviewer\tenabled\ndave\tadmin\tdisabled\n');
  });

  it('keeps the demo login random and in a 0600 file, the same on every start', async () => {
    const pool = createPool(setup.env.DATABASE_URL as string);
    try {
      const dataDir = setup.env.SCANGATE_DATA_DIR as string;
      const first = await ensureDemoLogin(pool, dataDir, 'test');
      const again = await ensureDemoLogin(pool, dataDir, 'test');
      expect(first).toEqual(again);
      expect(first.username).toBe(demoUsername);
      expect(first.password).toHaveLength(24);
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      expect(await verifyPassword(await hashOf(demoUsername), first.password)).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
