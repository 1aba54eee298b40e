import type { ChainableCommander, Redis } from 'ioredis';
import type pg from 'pg';
import { ScangateError } from '../errors.js';
import { campaignKeys } from '../redis/keys.js';
import { banField, type BanKind } from './ban-subjects.js';

/**
 * The `bans` hash of each campaign mirrors Postgres's `bans`: field per subject
 * (`banField`) -> the latest end (ms) of the subject's bans in force there, those of the
 * campaign and those of every campaign. An "everywhere" ban is written into every campaign's
 * hash (a script only reads keys of its campaign's slot); a campaign created later gets it when
 * prepareCampaignState or a rebuild replaces its hash from Postgres.
 */

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Field -> end (ms) of every ban in force in one campaign at `now`. */
export async function readBanMirror(db: Queryable, campaignId: string, now: number): Promise<Map<string, number>> {
  const { rows } = await db.query<{ kind: BanKind; value: string; ends_ms: number }>(
    `SELECT kind, value, (extract(epoch FROM max(expires_at)) * 1000)::float8 AS ends_ms FROM bans
     WHERE (campaign_id = $1 OR campaign_id IS NULL) AND lifted_at IS NULL AND expires_at > to_timestamp($2::float8 / 1000)
     GROUP BY kind, value`,
    [campaignId, now],
  );
  return new Map(rows.map((row) => [banField(row.kind, row.value), Math.round(row.ends_ms)]));
}

/** Replaces the campaign's hash with `mirror` (queued: atomic inside a MULTI). */
export function queueBanMirror(target: ChainableCommander, bansKey: string, mirror: ReadonlyMap<string, number>): void {
  target.del(bansKey);
  if (mirror.size > 0) target.hset(bansKey, Object.fromEntries(mirror));
}

export interface BanMirrorDeps {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly keyPrefix: string;
}

/**
 * Brings one subject's field up to date in the campaigns a ban of `scope` reaches (one campaign,
 * or all of them for null): the latest end of its bans still in force there, or no field.
 */
export async function mirrorBanSubject(
  deps: BanMirrorDeps,
  subject: { scope: string | null; kind: BanKind; value: string },
  now: number,
): Promise<void> {
  const { rows } = await deps.pool.query<{ campaign_id: string; ends_ms: number | null }>(
    `SELECT c.id AS campaign_id, (extract(epoch FROM max(b.expires_at)) * 1000)::float8 AS ends_ms
     FROM campaigns c LEFT JOIN bans b ON b.kind = $1 AND b.value = $2 AND b.lifted_at IS NULL
       AND b.expires_at > to_timestamp($3::float8 / 1000) AND (b.campaign_id = c.id OR b.campaign_id IS NULL)
     WHERE $4::text IS NULL OR c.id = $4
     GROUP BY c.id`,
    [subject.kind, subject.value, now, subject.scope],
  );
  const field = banField(subject.kind, subject.value);
  const pipeline = deps.redis.pipeline();
  for (const row of rows) {
    const key = campaignKeys(deps.keyPrefix, row.campaign_id).bans;
    if (row.ends_ms === null) pipeline.hdel(key, field);
    else pipeline.hset(key, field, Math.round(row.ends_ms));
  }
  let failed: Error | null | undefined;
  try {
    failed = (await pipeline.exec())?.find(([err]) => err !== null)?.[0];
  } catch (err) {
    failed = err as Error;
  }
  if (failed)
    throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', `the ${subject.kind} ban of ${subject.value} is recorded in Postgres but Redis was not updated: ${failed.message}`, {
      cause: failed,
    });
}
