import { setTimeout as sleep } from 'node:timers/promises';

/** Requests being worked on, so a graceful stop can wait for them to be answered. */
export interface InFlight {
  begin(): void;
  end(): void;
  /** a request was answered at once (no async work): it still counts as activity */
  touch(): void;
  count(): number;
  /**
   * Resolves true once nothing is in flight and nothing has happened for `quietMs`, or false
   * after `timeoutMs`. The quiet period lets requests that clients had already sent on open
   * connections arrive and be answered before the connections are closed.
   */
  settled(quietMs: number, timeoutMs: number): Promise<boolean>;
}

/** `onChange` sees every new count (the in-flight gauge). */
export function createInFlight(onChange: (count: number) => void = () => undefined): InFlight {
  let count = 0;
  let lastActivity = Date.now();
  let waiters: (() => void)[] = [];

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  function drained(timeoutMs: number): Promise<boolean> {
    if (count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  return {
    begin() {
      lastActivity = Date.now();
      onChange(++count);
    },
    end() {
      lastActivity = Date.now();
      onChange(--count);
      if (count > 0) return;
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    },
    touch() {
      lastActivity = Date.now();
    },
    count: () => count,
    async settled(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!(await drained(deadline - Date.now()))) return false;
        const quietFor = Date.now() - lastActivity;
        if (quietFor >= quietMs && count === 0) return true;
        if (Date.now() >= deadline) return false;
        await sleep(Math.min(quietMs - quietFor, deadline - Date.now()));
      }
    },
  };
}
