import { systemClock, type Clock } from '../clock.js';

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
export function createInFlight(onChange: (count: number) => void = () => undefined, clock: Clock = systemClock): InFlight {
  let count = 0;
  let lastActivity = clock.now();
  let waiters: (() => void)[] = [];

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  async function drained(timeoutMs: number): Promise<boolean> {
    if (count === 0) return true;
    const timeout = new AbortController();
    const emptied = new Promise<true>((resolve) => waiters.push(() => resolve(true)));
    const result = await Promise.race([emptied, clock.sleep(timeoutMs, timeout.signal).then(() => false)]);
    timeout.abort();
    return result;
  }

  return {
    begin() {
      lastActivity = clock.now();
      onChange(++count);
    },
    end() {
      lastActivity = clock.now();
      onChange(--count);
      if (count > 0) return;
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    },
    touch() {
      lastActivity = clock.now();
    },
    count: () => count,
    async settled(quietMs, timeoutMs) {
      const deadline = clock.now() + timeoutMs;
      for (;;) {
        if (!(await drained(deadline - clock.now()))) return false;
        const quietFor = clock.now() - lastActivity;
        if (quietFor >= quietMs && count === 0) return true;
        if (clock.now() >= deadline) return false;
        await clock.sleep(Math.min(quietMs - quietFor, deadline - clock.now()));
      }
    },
  };
}
