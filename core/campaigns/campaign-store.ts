import type pg from 'pg';
import { parseCampaign, type Campaign } from '../../config/campaign-schema.js';
import { ScangateError } from '../errors.js';
import { withTransaction } from '../db/transaction.js';

/** pg_advisory_xact_lock namespace: applies of one campaign run one at a time. */
const APPLY_LOCK = 0x5c4e_0003;

/**
 * Stores a campaign. A new version is written only when the parsed body differs from the current
 * one (jsonb equality, so key order and spacing in the file do not matter); then the campaign row,
 * its prize tiers and an audit row change with it, in one transaction.
 */
export async function applyCampaign(pool: pg.Pool, campaign: Campaign, actor: string): Promise<{ version: number; changed: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [APPLY_LOCK, campaign.id]);
    const body = JSON.stringify(campaign);
    const { rows } = await client.query<{ version: number; same: boolean }>(
      `SELECT c.current_version AS version, v.body = $2::jsonb AS same
       FROM campaigns c JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version
       WHERE c.id = $1`,
      [campaign.id, body],
    );
    const current = rows[0];
    if (current?.same) return { version: current.version, changed: false };
    const version = (current?.version ?? 0) + 1;
    const { window } = campaign;
    await client.query(
      `INSERT INTO campaigns (id, name, current_version, starts_at, ends_at, time_zone) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = $2, current_version = $3, starts_at = $4, ends_at = $5, time_zone = $6, updated_at = now()`,
      [campaign.id, campaign.name, version, window.startsAt, window.endsAt, window.timeZone],
    );
    await client.query('INSERT INTO campaign_versions (campaign_id, version, body, applied_by) VALUES ($1, $2, $3::jsonb, $4)', [
      campaign.id,
      version,
      body,
      actor,
    ]);
    await client.query('DELETE FROM prize_tiers WHERE campaign_id = $1', [campaign.id]);
    await client.query(
      `INSERT INTO prize_tiers (campaign_id, tier_id, rank, kind, value, unit, inventory, weight)
       SELECT $1, t.id, t.rank - 1, t.kind, t.value, t.unit, t.inventory, t.weight
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id text, kind text, value numeric, unit text, inventory bigint, weight double precision))
         WITH ORDINALITY AS t(id, kind, value, unit, inventory, weight, rank)`,
      [campaign.id, JSON.stringify(campaign.tiers)],
    );
    await client.query(`INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, 'campaign.apply', $2, $3::jsonb)`, [
      actor,
      `campaign:${campaign.id}`,
      JSON.stringify({ version, previousVersion: current?.version ?? null }),
    ]);
    return { version, changed: true };
  });
}

const currentBodies = `
  SELECT c.id, v.body FROM campaigns c
  JOIN campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version`;

/** Stored bodies are validated again on the way out: the schema is the contract, not the table. */
const parseStored = (row: { id: string; body: unknown }): Campaign => parseCampaign(row.body, `campaign ${row.id} in the database`);

/** The current version of every campaign, by id. */
export async function loadCampaigns(pool: pg.Pool): Promise<Campaign[]> {
  const { rows } = await pool.query<{ id: string; body: unknown }>(`${currentBodies} ORDER BY c.id`);
  return rows.map(parseStored);
}

/** The current version of one campaign; GW_ERR_CAMPAIGN_UNKNOWN when there is none. */
export async function getCampaign(pool: pg.Pool, id: string): Promise<Campaign> {
  const { rows } = await pool.query<{ id: string; body: unknown }>(`${currentBodies} WHERE c.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new ScangateError('GW_ERR_CAMPAIGN_UNKNOWN', id);
  return parseStored(row);
}
