import { withTransaction } from '../db/transaction.js';
import { ScangateError } from '../errors.js';
import { mirrorBanSubject, type BanMirrorDeps } from './ban-mirror.js';
import { banKinds, normaliseBanValue, type BanKind } from './ban-subjects.js';

/**
 * Bans, as the admin console's reviewers place them: Postgres is the record (each change with
 * an audit row), then each campaign's `bans` hash is brought up to date for the decision script
 * (blocked, reason banned). When Redis fails after the commit the call throws
 * GW_ERR_REDIS_UNAVAILABLE; the ban stands in Postgres, and the next prepareCampaignState or
 * rebuild of each campaign mirrors it.
 */
export interface BanDeps extends BanMirrorDeps {
  /** ms since the epoch (tests pass their clock) */
  readonly now?: () => number;
}

export interface Ban {
  readonly id: number;
  /** the campaign, or null: every campaign, present and future */
  readonly scope: string | null;
  readonly kind: BanKind;
  readonly value: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly liftedAt: Date | null;
  readonly liftedBy: string | null;
}

export interface BanRequest {
  readonly scope: string | null;
  readonly kind: BanKind;
  /** any spelling; stored normalised (`normaliseBanValue`) */
  readonly value: string;
  readonly reason: string;
  readonly expiresAt: Date | number;
  readonly actor: string;
}

export interface BanFilters {
  /** bans that reach this campaign: its own and the everywhere ones */
  readonly campaignId?: string;
  readonly kind?: BanKind;
  /** with kind: the subject, any spelling */
  readonly value?: string;
  /** only bans in force (not lifted, not ended); default true */
  readonly inForce?: boolean;
  /** newest first; default 100, at most 1000 */
  readonly limit?: number;
}

/** A bans row as banColumns selects it (core/trace/touching-bans.ts reads bans for many subjects at once). */
export interface BanRow {
  id: number;
  campaign_id: string | null;
  kind: BanKind;
  value: string;
  reason: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  lifted_at: Date | null;
  lifted_by: string | null;
}

export const banColumns = 'id::float8 AS id, campaign_id, kind, value, reason, created_by, created_at, expires_at, lifted_at, lifted_by';

export const toBan = (row: BanRow): Ban => ({
  id: row.id,
  scope: row.campaign_id,
  kind: row.kind,
  value: row.value,
  reason: row.reason,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  liftedAt: row.lifted_at,
  liftedBy: row.lifted_by,
});

const MAX_REASON = 500;
const MAX_LIST = 1000;
const invalid = (detail: string) => new ScangateError('GW_ERR_BAN_INVALID', detail);
const clock = (deps: Pick<BanDeps, 'now'>) => (deps.now ?? Date.now)();

function requireText(name: string, text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > max) throw invalid(`${name} must be 1 to ${max} characters`);
  return trimmed;
}

async function audit(client: Pick<BanDeps['pool'], 'query'>, actor: string, action: string, ban: Ban): Promise<void> {
  await client.query(`INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)`, [
    actor,
    action,
    `ban:${ban.id}`,
    JSON.stringify({ campaign: ban.scope, kind: ban.kind, value: ban.value, reason: ban.reason, expiresAt: ban.expiresAt.toISOString() }),
  ]);
}

/** Bans a device, address or network in one campaign or (scope null) everywhere until `expiresAt`. */
export async function banSubject(deps: BanDeps, request: BanRequest): Promise<Ban> {
  const now = clock(deps);
  const value = normaliseBanValue(request.kind, request.value);
  const reason = requireText('reason', request.reason, MAX_REASON);
  const actor = requireText('actor', request.actor, 200);
  const expiresAt = new Date(request.expiresAt);
  if (!(expiresAt.getTime() > now)) throw invalid(`expiry ${Number.isNaN(expiresAt.getTime()) ? 'is not a time' : `${expiresAt.toISOString()} is not in the future`}`);
  const ban = await withTransaction(deps.pool, async (client) => {
    let rows: BanRow[];
    try {
      ({ rows } = await client.query<BanRow>(
        `INSERT INTO bans (campaign_id, kind, value, reason, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8 / 1000), $7) RETURNING ${banColumns}`,
        [request.scope, request.kind, value, reason, actor, now, expiresAt],
      ));
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw new ScangateError('GW_ERR_CAMPAIGN_UNKNOWN', String(request.scope));
      throw err;
    }
    const created = toBan(rows[0] as BanRow);
    await audit(client, actor, 'ban.create', created);
    return created;
  });
  await mirrorBanSubject(deps, ban, now);
  return ban;
}

/** Lifts a ban in force (not lifted yet); the subject stays banned where another ban still reaches it. */
export async function liftBan(deps: BanDeps, request: { id: number; actor: string }): Promise<Ban> {
  const now = clock(deps);
  const actor = requireText('actor', request.actor, 200);
  const ban = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<BanRow>(
      `UPDATE bans SET lifted_at = to_timestamp($2::float8 / 1000), lifted_by = $3 WHERE id = $1 AND lifted_at IS NULL RETURNING ${banColumns}`,
      [request.id, now, actor],
    );
    const row = rows[0];
    if (!row) throw new ScangateError('GW_ERR_BAN_UNKNOWN', `ban ${request.id} does not exist or was lifted already`);
    const lifted = toBan(row);
    await audit(client, actor, 'ban.lift', lifted);
    return lifted;
  });
  await mirrorBanSubject(deps, ban, now);
  return ban;
}

/** Bans matching `filters`, newest first (Postgres only: reading needs no Redis). */
export async function listBans(deps: Pick<BanDeps, 'pool' | 'now'>, filters: BanFilters = {}): Promise<Ban[]> {
  if (filters.value !== undefined && filters.kind === undefined) throw invalid('a value to look for needs its kind');
  if (filters.kind !== undefined && !banKinds.includes(filters.kind)) throw invalid(`kind "${String(filters.kind)}" is none of ${banKinds.join(', ')}`);
  const limit = filters.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST) throw invalid(`limit must be 1 to ${MAX_LIST}`);
  const value = filters.kind !== undefined && filters.value !== undefined ? normaliseBanValue(filters.kind, filters.value) : null;
  const { rows } = await deps.pool.query<BanRow>(
    `SELECT ${banColumns} FROM bans
     WHERE ($1::text IS NULL OR campaign_id = $1 OR campaign_id IS NULL)
       AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR value = $3)
       AND (NOT $4 OR (lifted_at IS NULL AND expires_at > to_timestamp($5::float8 / 1000)))
     ORDER BY created_at DESC, id DESC LIMIT $6`,
    [filters.campaignId ?? null, filters.kind ?? null, value, filters.inForce ?? true, clock(deps), limit],
  );
  return rows.map(toBan);
}
