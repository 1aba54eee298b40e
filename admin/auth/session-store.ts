import { createHash } from 'node:crypto';
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type pg from 'pg';
import type { Clock } from '../clock.js';
import '../context.js';

/** The console logs a session out after 30 idle minutes, and after 12 hours whatever happens. */
export const sessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 } as const;

const idHash = (sessionId: string): Buffer => createHash('sha256').update(sessionId).digest();

type Callback = (err?: unknown) => void;

/**
 * @fastify/session's store, in Postgres (admin_sessions): only a hash of the id is kept; a read
 * touches last_seen_at and finds nothing once the session is idle or too old (expired rows are
 * deleted as they are met). Deleting a user's rows ends their sessions at the next request.
 */
export function createPgSessionStore(pool: pg.Pool, clock: Clock): SessionStore {
  return {
    get(sessionId: string, callback: (err: unknown, session?: Session | null) => void) {
      const now = clock();
      pool
        .query<{ data: Session; live: boolean }>(
          `WITH found AS (
             SELECT id_hash, data, last_seen_at > $3 AND created_at > $4 AS live FROM admin_sessions WHERE id_hash = $1
           ), touched AS (
             UPDATE admin_sessions s SET last_seen_at = $2 FROM found WHERE s.id_hash = found.id_hash AND found.live
           ), expired AS (
             DELETE FROM admin_sessions s USING found WHERE s.id_hash = found.id_hash AND NOT found.live
           )
           SELECT data, live FROM found`,
          [idHash(sessionId), new Date(now), new Date(now - sessionLimits.idleMs), new Date(now - sessionLimits.absoluteMs)],
        )
        .then(({ rows }) => callback(null, rows[0]?.live ? rows[0].data : null), callback);
    },
    set(sessionId: string, session: Session, callback: Callback) {
      const now = clock();
      // Each write also sweeps sessions idle past the limit: login pages opened and left (a pre-login
      // session each) must not pile up. The sweep uses the last_seen_at index and finds few rows.
      pool
        .query(
          `WITH swept AS (DELETE FROM admin_sessions WHERE last_seen_at <= $5)
           INSERT INTO admin_sessions (id_hash, user_id, data, created_at, last_seen_at) VALUES ($1, $2, $3::jsonb, $4, $4)
           ON CONFLICT (id_hash) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, last_seen_at = EXCLUDED.last_seen_at`,
          [idHash(sessionId), session.userId ?? null, JSON.stringify(session), new Date(now), new Date(now - sessionLimits.idleMs)],
        )
        .then(() => callback(), callback);
    },
    destroy(sessionId: string, callback: Callback) {
      pool.query('DELETE FROM admin_sessions WHERE id_hash = $1', [idHash(sessionId)]).then(() => callback(), callback);
    },
  };
}
