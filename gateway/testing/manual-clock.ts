import type { Clock } from '../clock.js';

/** A clock that moves only when a test calls advance(): no test depends on how fast the machine is. */
export interface ManualClock extends Clock {
  /** Moves time forward, waking every sleeper that is due, and lets their continuations run. */
  advance(ms: number): Promise<void>;
}

export function createManualClock(start = 0): ManualClock {
  let now = start;
  let sleepers: { wakeAt: number; wake: () => void }[] = [];
  // Continuations of woken sleepers run over several microtask and macrotask turns.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        const sleeper = { wakeAt: now + Math.max(0, ms), wake: resolve };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', () => {
          sleepers = sleepers.filter((s) => s !== sleeper);
          resolve();
        });
      });
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        const due = sleepers.filter((s) => s.wakeAt <= until).sort((a, b) => a.wakeAt - b.wakeAt)[0];
        if (!due) break;
        now = Math.max(now, due.wakeAt);
        sleepers = sleepers.filter((s) => s !== due);
        due.wake();
      }
      now = until;
      await settle();
    },
  };
}
