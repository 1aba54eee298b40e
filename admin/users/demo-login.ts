import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { generatePassword } from './password.js';
import { addUser, findLoginUser } from './user-store.js';

export const demoUsername = 'demo-admin';

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly file: string;
}

/**
 * The demo admin of `npm start`: its password is random, generated on the first start and kept
 * in `<dataDir>/admin-demo-login.json` (0600) so later starts print the same one. Never a fixed
 * default. A file whose user no longer exists (a fresh database) recreates the user with it.
 */
export async function ensureDemoLogin(pool: pg.Pool, dataDir: string, actor: string): Promise<DemoLogin> {
  const file = path.join(dataDir, 'admin-demo-login.json');
  let password: string;
  if (existsSync(file)) password = (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  else {
    password = generatePassword();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ username: demoUsername, password })}\n`, { mode: 0o600, flag: 'wx' });
  }
  if (!(await findLoginUser(pool, demoUsername))) await addUser(pool, demoUsername, 'admin', password, actor).catch((err: unknown) => {
    // a disabled demo-admin stays disabled: the operator did that on purpose
    if ((err as { code?: string }).code !== 'GW_ERR_ADMIN_USER_EXISTS') throw err;
  });
  return { username: demoUsername, password, file };
}
