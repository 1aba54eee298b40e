import { listenForShutdown } from '../../gateway/cli/shutdown-signal.js';
import { Teardown } from './teardown.js';

/**
 * Runs a benchmark's measuring until it ends or Ctrl-C / SIGTERM comes, then stops everything it
 * started (its teardown), whichever came first. Interrupted, the process exits 130.
 */
export async function runInterruptible(measure: (teardown: Teardown, signal: AbortSignal) => Promise<void>): Promise<void> {
  const shutdown = listenForShutdown({ info: (line) => console.log(line) });
  const teardown = new Teardown();
  try {
    const measuring = measure(teardown, shutdown.abortSignal);
    // When a signal wins the race below, the abandoned measuring fails later: expected, not unhandled.
    measuring.catch(() => undefined);
    await Promise.race([measuring, shutdown.received]);
  } catch (err) {
    // What the signal broke (wrk killed, ...) is the interruption, not a failure of its own.
    if (!shutdown.abortSignal.aborted) throw err;
  } finally {
    await teardown.run();
    shutdown.dispose();
    if (shutdown.abortSignal.aborted) process.exitCode = 130;
  }
}
