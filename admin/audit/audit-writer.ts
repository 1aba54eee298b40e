import type pg from 'pg';

/** One audit row. Queryable (the pool) or inside a caller's transaction (a client). */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export async function writeAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry, at?: Date): Promise<void> {
  await db.query(`INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (coalesce($1, now()), $2, $3, $4, $5::jsonb)`, [
    at ?? null,
    entry.actor,
    entry.action,
    entry.subject,
    JSON.stringify(entry.detail ?? {}),
  ]);
}
