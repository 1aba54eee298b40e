import type { Logger } from 'pino';
import type { BatchIndexEntry } from '../../core/campaigns/batches.js';

export interface OutOfRangeCode {
  readonly batchId: number;
  readonly batch: BatchIndexEntry;
  readonly serial: number;
  readonly keyId: number;
}

export interface KeyCompromiseSignalOptions {
  readonly logger: Pick<Logger, 'error'>;
  /** counts every such code (the metric) */
  readonly count: (campaignId: string) => void;
  readonly now?: () => number;
  /** at most one log line per batch per this long */
  readonly logEveryMs?: number;
}

const MINUTE_MS = 60_000;

/**
 * A correctly signed code whose serial was never minted for its batch: only someone holding the
 * signing key can make one. Every such code is counted; the log line — the alert for people — is
 * written at most once per batch per minute, so a forger's flood cannot flood the logs. Only
 * batches the catalog knows get here, so the map is as small as the batch index.
 */
export function createKeyCompromiseSignal(options: KeyCompromiseSignalOptions): (code: OutOfRangeCode) => void {
  const now = options.now ?? Date.now;
  const logEveryMs = options.logEveryMs ?? MINUTE_MS;
  const loggedAt = new Map<number, number>();
  const suppressed = new Map<number, number>();

  return ({ batchId, batch, serial, keyId }) => {
    options.count(batch.campaignId);
    const at = now();
    const last = loggedAt.get(batchId);
    if (last !== undefined && at - last < logEveryMs) {
      suppressed.set(batchId, (suppressed.get(batchId) ?? 0) + 1);
      return;
    }
    loggedAt.set(batchId, at);
    options.logger.error(
      {
        campaign: batch.campaignId,
        batch: batchId,
        batchName: batch.name,
        serial,
        keyId,
        serialRange: [batch.serialFirst, batch.serialLast],
        suppressedSinceLastLog: suppressed.get(batchId) ?? 0,
      },
      'key-compromise signal: a correctly signed code has a serial never minted for its batch (signing key leaked?)',
    );
    suppressed.delete(batchId);
  };
}
