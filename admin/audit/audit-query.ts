import type pg from 'pg';

export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  /** subjects starting with this (`batch:`, `user:alice`) */
  readonly subject?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface AuditRow {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly detail: Record<string, unknown>;
}

export const auditPageSize = 50;

/** Newest first, one page; `before` is the last id of the previous page (keyset paging). Every value is a bind parameter. */
export async function queryAudit(pool: pg.Pool, filter: AuditFilter, before?: number): Promise<AuditRow[]> {
  const { rows } = await pool.query<{ id: string; at: Date; actor: string; action: string; subject: string; detail: Record<string, unknown> }>(
    `SELECT id, at, actor, action, subject, detail FROM audit_log
     WHERE ($1::text IS NULL OR actor = $1)
       AND ($2::text IS NULL OR action = $2)
       AND ($3::text IS NULL OR starts_with(subject, $3))
       AND ($4::timestamptz IS NULL OR at >= $4)
       AND ($5::timestamptz IS NULL OR at < $5)
       AND ($6::bigint IS NULL OR id < $6)
     ORDER BY id DESC LIMIT $7`,
    [filter.actor ?? null, filter.action ?? null, filter.subject ?? null, filter.from ?? null, filter.to ?? null, before ?? null, auditPageSize],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}
