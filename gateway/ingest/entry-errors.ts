import pg from 'pg';
import { isScangateError } from '../../core/errors.js';

/**
 * True when an entry's own content made the write fail, so retrying it as is fails the same way:
 * a malformed event, or Postgres rejecting a value (SQLSTATE class 22 data exception, 23
 * integrity violation). Anything else (connection refused or reset, timeouts, missing tables,
 * shutdown) is about the database, not the entry: the whole batch is retried with backoff and no
 * entry is charged for it.
 */
export function isEntryError(err: unknown): boolean {
  if (isScangateError(err, 'GW_ERR_EVENT_MALFORMED')) return true;
  return err instanceof pg.DatabaseError && (err.code?.startsWith('22') === true || err.code?.startsWith('23') === true);
}
