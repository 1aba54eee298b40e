import { ScangateError } from '../errors.js';
import { Outcome } from '../scan/outcomes.js';
import { MAX_CSV_LINES, parseReviewCsv } from './review-csv.js';
import { failedOutcome, settleMany, type SettleOutcome } from './settle-many.js';
import type { HeldScanReview, ReviewDeps } from './settle.js';

export interface BulkLineReport extends SettleOutcome {
  /** the line in the uploaded file, 1-based */
  readonly line: number;
  readonly scanId: string;
}

export interface BulkUpload {
  readonly csv: string;
  readonly reviewer: string;
  /** the campaign the page shows; without it a scan id must name one held scan in any campaign */
  readonly campaignId?: string;
}

interface HeldRow {
  event_id: string;
  campaign_id: string;
  code: string;
}

/** Held decisions (reviewed or not) by scan id; the partial index redemptions_held_scan serves it. */
async function findHeldScans(deps: ReviewDeps, scanIds: readonly string[], campaignId: string | undefined): Promise<Map<string, HeldRow[]>> {
  const { rows } = await deps.pool.query<HeldRow>(
    `SELECT event_id, campaign_id, code FROM redemptions
     WHERE event_id = ANY($1::text[]) AND outcome = ${Outcome.Held} AND ($2::text IS NULL OR campaign_id = $2)`,
    [scanIds, campaignId ?? null],
  );
  const byScan = new Map<string, HeldRow[]>();
  for (const row of rows) byScan.set(row.event_id, [...(byScan.get(row.event_id) ?? []), row]);
  return byScan;
}

const lineError = (code: 'GW_ERR_REVIEW_INVALID' | 'GW_ERR_NOT_HELD', detail: string): SettleOutcome => failedOutcome(new ScangateError(code, detail));

/**
 * Settles an uploaded `scanId,decision[,note]` file line by line and reports every line:
 * settled, already_settled, not_found (no held scan with this id), invalid (with the problem),
 * or failed (e.g. the campaign is being rebuilt: try that line again).
 */
export async function settleBulk(deps: ReviewDeps, upload: BulkUpload): Promise<BulkLineReport[]> {
  const lines = parseReviewCsv(upload.csv);
  if (lines.length > MAX_CSV_LINES) throw new ScangateError('GW_ERR_REVIEW_INVALID', `at most ${MAX_CSV_LINES} lines per upload, got ${lines.length}`);
  const held = await findHeldScans(
    deps,
    lines.map((line) => line.scanId),
    upload.campaignId,
  );
  const reports: BulkLineReport[] = [];
  for (const line of lines) {
    const base = { line: line.line, scanId: line.scanId };
    if (!line.ok) {
      reports.push({ ...base, ...lineError('GW_ERR_REVIEW_INVALID', line.problem) });
      continue;
    }
    const matches = held.get(line.scanId) ?? [];
    const [match] = matches;
    if (match === undefined) reports.push({ ...base, ...lineError('GW_ERR_NOT_HELD', 'no held scan has this id') });
    else if (matches.length > 1) reports.push({ ...base, ...lineError('GW_ERR_REVIEW_INVALID', 'several campaigns have a held scan with this id: upload from the campaign') });
    else {
      const review: HeldScanReview = { campaignId: match.campaign_id, code: match.code, scanId: line.scanId, decision: line.decision, reviewer: upload.reviewer, note: line.note };
      const [outcome] = await settleMany(deps, [review]);
      reports.push({ ...base, ...(outcome as SettleOutcome) });
    }
  }
  return reports;
}
