import { sweepExpiredHolds, type SweepReport } from '../../core/review/sweep-expired.js';
import type { ReviewDeps } from '../../core/review/settle.js';

/** Calls `run` every `everyMs` until the returned function is called (tests pass one they trigger by hand). */
export type Schedule = (run: () => void, everyMs: number) => () => void;

export const intervalSchedule: Schedule = (run, everyMs) => {
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

export interface SweeperLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ExpirySweeper {
  /** one sweep now (the schedule's runs go through here); a sweep already running is awaited, not doubled */
  sweep(): Promise<SweepReport | null>;
  /** no further sweeps; resolves once a running one has finished */
  stop(): Promise<void>;
}

/**
 * Rejects expired holds (each campaign's `review.expireAfterHours`) on a schedule, in the admin
 * process. A sweep's failure (Redis or Postgres away) is logged and the next run tries again.
 */
export function startExpirySweeper(deps: ReviewDeps & { clock: () => number }, options: { everyMs: number; schedule?: Schedule; log?: SweeperLog }): ExpirySweeper {
  let running: Promise<SweepReport | null> | null = null;
  let stopped = false;
  const sweep = (): Promise<SweepReport | null> => {
    if (stopped) return Promise.resolve(null);
    running ??= sweepExpiredHolds(deps, deps.clock())
      .then(
        (report) => {
          if (report.settled > 0 || report.failed > 0) options.log?.info({ report }, 'review: expired holds rejected');
          return report;
        },
        (err: unknown) => {
          options.log?.error({ err }, 'review: expiry sweep failed');
          return null;
        },
      )
      .finally(() => (running = null));
    return running;
  };
  const cancel = (options.schedule ?? intervalSchedule)(() => void sweep(), options.everyMs);
  return {
    sweep,
    async stop() {
      stopped = true;
      cancel();
      await running;
    },
  };
}
