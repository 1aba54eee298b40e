import type pg from 'pg';
import { ScangateError } from '../../core/errors.js';
import { withTransaction } from '../../core/db/transaction.js';
import { writeAudit } from '../audit/audit-writer.js';
import { hashPassword } from './password.js';
import type { Role } from './roles.js';

export interface AdminUser {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  created_at: Date;
  disabled_at: Date | null;
}

const columns = 'id, username, role, created_at, disabled_at';
const toUser = (row: UserRow): AdminUser => ({ id: Number(row.id), username: row.username, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at });

/** The users the CLI and the console manage; every change is audited with its actor. */
export async function addUser(pool: pg.Pool, username: string, role: Role, password: string, actor: string): Promise<AdminUser> {
  const passwordHash = await hashPassword(password);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<UserRow>(
      `INSERT INTO admin_users (username, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING ${columns}`,
      [username, passwordHash, role],
    );
    const row = rows[0];
    if (!row) throw new ScangateError('GW_ERR_ADMIN_USER_EXISTS', username);
    await writeAudit(client, { actor, action: 'user.add', subject: `user:${username}`, detail: { role } });
    return toUser(row);
  });
}

/** Disables the account and ends its sessions in the same transaction. */
export async function disableUser(pool: pg.Pool, username: string, actor: string): Promise<AdminUser> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<UserRow>(
      `UPDATE admin_users SET disabled_at = coalesce(disabled_at, now()) WHERE username = $1 RETURNING ${columns}`,
      [username],
    );
    const row = rows[0];
    if (!row) throw new ScangateError('GW_ERR_ADMIN_USER_UNKNOWN', username);
    await client.query('DELETE FROM admin_sessions WHERE user_id = $1', [row.id]);
    await writeAudit(client, { actor, action: 'user.disable', subject: `user:${username}` });
    return toUser(row);
  });
}

/** A new password ends the account's sessions: whoever knew the old one is logged out. */
export async function resetPassword(pool: pg.Pool, username: string, password: string, actor: string): Promise<AdminUser> {
  const passwordHash = await hashPassword(password);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<UserRow>(`UPDATE admin_users SET password_hash = $2 WHERE username = $1 RETURNING ${columns}`, [username, passwordHash]);
    const row = rows[0];
    if (!row) throw new ScangateError('GW_ERR_ADMIN_USER_UNKNOWN', username);
    await client.query('DELETE FROM admin_sessions WHERE user_id = $1', [row.id]);
    await writeAudit(client, { actor, action: 'user.reset-password', subject: `user:${username}` });
    return toUser(row);
  });
}

export async function listUsers(pool: pg.Pool): Promise<AdminUser[]> {
  const { rows } = await pool.query<UserRow>(`SELECT ${columns} FROM admin_users ORDER BY username`);
  return rows.map(toUser);
}

/** An enabled account with its hash, for the login check. */
export async function findLoginUser(pool: pg.Pool, username: string): Promise<(AdminUser & { passwordHash: string }) | undefined> {
  const { rows } = await pool.query<UserRow & { password_hash: string }>(
    `SELECT ${columns}, password_hash FROM admin_users WHERE username = $1 AND disabled_at IS NULL`,
    [username],
  );
  const row = rows[0];
  return row && { ...toUser(row), passwordHash: row.password_hash };
}
