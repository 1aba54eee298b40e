import { setTimeout as sleep } from 'node:timers/promises';

/** Time as code that waits sees it; tests pass a manual clock instead of relying on timer margins. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(Math.max(0, ms), undefined, { signal }).catch(() => undefined),
};
