/** Requests being worked on, so a graceful stop can wait for them to be answered. */
export interface InFlight {
  begin(): void;
  end(): void;
  count(): number;
  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
}

/** `onChange` sees every new count (the in-flight gauge). */
export function createInFlight(onChange: (count: number) => void = () => undefined): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    begin: () => onChange(++count),
    end() {
      onChange(--count);
      if (count > 0) return;
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    },
    count: () => count,
    drained(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
