import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine } from './copy-text.js';
import { writeDeadLetters, type DeadLetter } from './dead-letters.js';
import type { IngestSink } from './batch-processor.js';
import { consumesCode, Outcome } from '../../core/scan/outcomes.js';
import { writeReviews } from './review-writer.js';
import type { IngestEvent, ReviewEventRow, ScanEventRow } from './scan-event.js';
import { addStagedRollups, createRollupStaging, lockCampaignRollupsShared, scanSourceColumns, stageNewScanRollups, stageScanRollupsFrom, timeOfEpochMs } from '../../core/analytics/rollups.js';

/**
 * Writes one batch in one transaction: COPY into a session temp table, then
 * INSERT … SELECT … ON CONFLICT DO NOTHING into scan_events and redemptions, then the batch's
 * review events (review-writer.ts). Event ids come from the stream, so a batch written twice
 * (acknowledgement lost, entry reclaimed) inserts nothing new. The analytics rollups
 * (core/analytics/rollups.ts) count exactly the scans inserted: the whole batch when its plain
 * INSERT succeeded, else the rows the INSERT … ON CONFLICT returns, so a batch written twice
 * changes none of them either.
 */

// Session-scoped and emptied by every COMMIT/ROLLBACK, so a pooled connection reuses it as is.
const createStaging = `
  CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
    campaign_id text NOT NULL, event_id text NOT NULL, scanned_at_ms bigint NOT NULL, code text NOT NULL,
    batch_id integer NOT NULL, serial bigint NOT NULL, device_id text NOT NULL, ip inet NOT NULL,
    outcome smallint NOT NULL, tier_id text, replay boolean NOT NULL, score smallint NOT NULL,
    reason_mask integer NOT NULL, first_scan_id text, ua_class text NOT NULL, region text,
    lat double precision, lon double precision, new_device boolean NOT NULL, redelivered boolean NOT NULL, user_agent text,
    rule_weights smallint[]
  ) ON COMMIT DELETE ROWS`;

const copyStaging = `COPY ingest_staging (campaign_id, event_id, scanned_at_ms, code, batch_id, serial, device_id, ip, outcome,
  tier_id, replay, score, reason_mask, first_scan_id, ua_class, region, lat, lon, new_device, redelivered, user_agent, rule_weights) FROM STDIN`;

const scannedAt = timeOfEpochMs('scanned_at_ms');

const insertScanEvents = `
  INSERT INTO scan_events (campaign_id, event_id, scanned_at, code, batch_id, serial, device_id, ip, outcome,
    tier_id, replay, score, reason_mask, first_scan_id, ua_class, region, lat, lon, new_device, redelivered, user_agent, rule_weights)
  SELECT campaign_id, event_id, ${scannedAt}, code, batch_id, serial, device_id, ip, outcome,
    tier_id, replay, score, reason_mask, first_scan_id, ua_class, region, lat, lon, new_device, redelivered, user_agent, rule_weights
  FROM ingest_staging`;

/**
 * The first attempt inserts plainly (every row new, or the statement fails); its rollups are then
 * staged from the batch's staged scans (core/analytics/rollups.ts stageNewScanRollups). The second (the batch met a unique
 * violation) skips what exists, and with rollups becomes the `fresh` CTE whose returned rows the
 * rollups stage (core/analytics/rollups.ts stageScanRollupsFrom).
 */
function insertScanEventsStatement(rollups: boolean, attempt: 'first' | 'again'): string {
  if (attempt === 'first') return insertScanEvents;
  if (!rollups) return `${insertScanEvents} ON CONFLICT DO NOTHING`;
  return `WITH fresh AS (${insertScanEvents} ON CONFLICT DO NOTHING RETURNING ${scanSourceColumns}) ${stageScanRollupsFrom('fresh')} SELECT 1`;
}

/**
 * Only decisions that consumed the code (won, no_prize, held); a replay consumed nothing. A held
 * one carries its score and reasons, which the review queue filters on (migration 014).
 */
const insertRedemptions = `
  INSERT INTO redemptions (campaign_id, code, batch_id, serial, event_id, device_id, outcome, tier_id, redeemed_at, score, reason_mask)
  SELECT campaign_id, code, batch_id, serial, event_id, device_id, outcome, tier_id, ${scannedAt},
    CASE WHEN outcome = ${Outcome.Held} THEN score END, CASE WHEN outcome = ${Outcome.Held} THEN reason_mask END
  FROM ingest_staging
  WHERE NOT replay AND outcome = ANY($1::smallint[])`;

/** The batch's scans as scan_events holds them (core/analytics/rollups.ts scanSourceColumns). */
const stagedScans = `SELECT campaign_id, ${scannedAt} AS scanned_at, batch_id, region, outcome, replay, tier_id, reason_mask, device_id, new_device FROM ingest_staging`;

const stageRollupsOfScansOnce = stageNewScanRollups(stagedScans, true);
const stageRollupsOfScans = stageNewScanRollups(stagedScans, false);

/** No device has two scans in the batch (then its state is its scan's, no aggregation needed). */
function devicesScanOnce(rows: readonly ScanEventRow[]): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = `${row.campaignId} ${row.deviceId}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

const consumingOutcomes = Object.values(Outcome).filter((o): o is Outcome => typeof o === 'number' && consumesCode(o));
const dayMs = 86_400_000;
const uniqueViolation = '23505';

function copyRow(row: ScanEventRow): string {
  return copyLine([
    row.campaignId,
    row.eventId,
    row.scannedAt,
    row.code,
    row.batchId,
    row.serial,
    row.deviceId,
    row.ip,
    row.outcome,
    row.tierId,
    row.replay,
    row.score,
    row.reasonMask,
    row.firstScanId,
    row.uaClass,
    row.region,
    row.lat,
    row.lon,
    row.newDevice,
    row.redelivered,
    row.userAgent,
    // COPY's text form of a smallint[]: {30,25}
    row.ruleWeights === null ? null : `{${row.ruleWeights.join(',')}}`,
  ]);
}

/** The codes this batch holds for review: a review of one may have committed before them. */
function heldCodes(rows: readonly ScanEventRow[]): { campaignIds: string[]; codes: string[] } {
  const held = rows.filter((row) => row.outcome === Outcome.Held && !row.replay);
  return { campaignIds: held.map((row) => row.campaignId), codes: held.map((row) => row.code) };
}

function* copyChunks(rows: readonly ScanEventRow[]): Generator<string> {
  const rowsPerChunk = 1000;
  for (let start = 0; start < rows.length; start += rowsPerChunk) {
    let chunk = '';
    for (let i = start; i < Math.min(rows.length, start + rowsPerChunk); i++) chunk += copyRow(rows[i] as ScanEventRow);
    yield chunk;
  }
}

/** Creates the day partitions of scan_events covering [from, to] (core/db/partitions.ts). */
export type EnsurePartitions = (pool: pg.Pool, from: Date, to: Date) => Promise<unknown>;

export class ScanEventWriter implements IngestSink {
  /** UTC days whose partition is known to exist; forgotten after any failure. */
  private readonly ensuredDays = new Set<number>();
  private readonly stagingReady = new WeakSet<pg.PoolClient>();

  /** `rollups: false` only for the benchmark that measures what the rollups cost the ingest */
  constructor(
    private readonly pool: pg.Pool,
    private readonly ensurePartitions: EnsurePartitions,
    private readonly options: { rollups: boolean } = { rollups: true },
  ) {}

  async writeEvents(events: readonly IngestEvent[]): Promise<void> {
    const rows = events.filter((event): event is ScanEventRow => event.kind === 'scan');
    const reviews = events.filter((event): event is ReviewEventRow => event.kind === 'review');
    if (rows.length === 0 && reviews.length === 0) return;
    await this.ensureDays(rows);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      if (!this.stagingReady.has(client)) {
        for (const statement of [createStaging, ...createRollupStaging]) await client.query(statement);
        this.stagingReady.add(client);
      }
      await client.query('BEGIN');
      if (this.options.rollups) await client.query(lockCampaignRollupsShared, [[...new Set(events.map((event) => event.campaignId))]]);
      if (rows.length > 0) {
        await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(copyStaging)));
        await this.insertFromStaging(client, rows);
      }
      await writeReviews(client, reviews, heldCodes(rows), this.options);
      if (this.options.rollups && rows.length > 0) await client.query(addStagedRollups);
      await client.query('COMMIT');
    } catch (err) {
      // The connection may be mid-COPY or mid-transaction: drop it rather than reuse it.
      broken = err as Error;
      this.ensuredDays.clear();
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Almost every batch is new, and a plain INSERT costs Postgres about half of an
   * ON CONFLICT one; a batch that was written before (redelivered), or one of whose newly minted
   * devices another writer has just added, fails the plain INSERT on its first duplicate and is
   * then inserted again skipping the rows that exist.
   * Either attempt stages the rollups of the scans it inserted; the counts are added by
   * writeEvents just before COMMIT (core/analytics/rollups.ts createRollupStaging).
   */
  private async insertFromStaging(client: pg.PoolClient, rows: readonly ScanEventRow[]): Promise<void> {
    await client.query('SAVEPOINT fresh_rows');
    try {
      await client.query(insertRedemptions, [consumingOutcomes]);
      await client.query(insertScanEventsStatement(this.options.rollups, 'first'));
      if (this.options.rollups) await client.query(devicesScanOnce(rows) ? stageRollupsOfScansOnce : stageRollupsOfScans);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === uniqueViolation)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT fresh_rows');
      await client.query(`${insertRedemptions} ON CONFLICT DO NOTHING`, [consumingOutcomes]);
      await client.query(insertScanEventsStatement(this.options.rollups, 'again'));
    }
  }

  writeDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return writeDeadLetters(this.pool, letters);
  }

  /** One partition per distinct day (never a from–to range: one stray date must not create years). */
  private async ensureDays(rows: readonly ScanEventRow[]): Promise<void> {
    const days = new Set<number>();
    for (const row of rows) days.add(Math.floor(row.scannedAt / dayMs));
    for (const day of days) {
      if (this.ensuredDays.has(day)) continue;
      await this.ensurePartitions(this.pool, new Date(day * dayMs), new Date(day * dayMs));
      this.ensuredDays.add(day);
    }
  }
}
