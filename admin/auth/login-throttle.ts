import type pg from 'pg';
import type { Clock } from '../clock.js';

/**
 * Failed logins slow down an account and an address: the first few are free, then each further
 * attempt must wait twice as long as the last (1 s, 2 s, 4 s, ...), and past `lockAfter`
 * failures the key is locked for `lockMs`. Failures older than `lockMs` are forgotten. The
 * counts live in Postgres (admin_login_failures), so every console process sees the same.
 */
export const throttlePolicy = { freeFailures: 3, lockAfter: 10, lockMs: 15 * 60_000, maxDelayMs: 60_000 } as const;

export const accountKey = (username: string): string => `user:${username}`;
export const addressKey = (address: string): string => `addr:${address}`;

/** How long after the last of `failures` failures the next attempt is allowed. */
export function waitAfter(failures: number): number {
  if (failures >= throttlePolicy.lockAfter) return throttlePolicy.lockMs;
  if (failures < throttlePolicy.freeFailures) return 0;
  return Math.min(1000 * 2 ** (failures - throttlePolicy.freeFailures), throttlePolicy.maxDelayMs);
}

export interface LoginThrottle {
  /** the first instant (ms) any of the keys may try again; ≤ now when all may */
  allowedAt(keys: readonly string[]): Promise<number>;
  recordFailure(keys: readonly string[]): Promise<void>;
  clear(key: string): Promise<void>;
}

export function createLoginThrottle(pool: pg.Pool, clock: Clock): LoginThrottle {
  const forgetBefore = () => new Date(clock() - throttlePolicy.lockMs);
  return {
    async allowedAt(keys) {
      const { rows } = await pool.query<{ failures: number; last_failure_at: Date }>(
        'SELECT failures, last_failure_at FROM admin_login_failures WHERE key = ANY($1) AND last_failure_at > $2',
        [keys, forgetBefore()],
      );
      return Math.max(0, ...rows.map((row) => row.last_failure_at.getTime() + waitAfter(row.failures)));
    },
    async recordFailure(keys) {
      await pool.query(
        `INSERT INTO admin_login_failures (key, failures, last_failure_at) SELECT unnest($1::text[]), 1, $2
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN admin_login_failures.last_failure_at > $3 THEN admin_login_failures.failures + 1 ELSE 1 END,
           last_failure_at = EXCLUDED.last_failure_at`,
        [keys, new Date(clock()), forgetBefore()],
      );
    },
    async clear(key) {
      await pool.query('DELETE FROM admin_login_failures WHERE key = $1', [key]);
    },
  };
}
