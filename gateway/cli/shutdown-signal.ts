import { ScangateError } from '../../core/errors.js';

export interface ShutdownSignal {
  /** Resolves with the first SIGINT or SIGTERM. */
  readonly received: Promise<NodeJS.Signals>;
  /** Aborted by the first SIGINT or SIGTERM: lets a long start-up stop between its steps. */
  readonly abortSignal: AbortSignal;
  /** Gives SIGINT and SIGTERM back to Node's default (exit at once). */
  dispose(): void;
}

/**
 * Takes SIGINT and SIGTERM away from Node's default (exit at once, which would orphan the
 * servers a command started in their own process groups), so the command can stop what it
 * started and then end. Repeated signals while it stops are noted, not obeyed.
 */
export function listenForShutdown(log: { info(message: string): void }): ShutdownSignal {
  const controller = new AbortController();
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((done) => (resolve = done));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      log.info(`${signal} again: still stopping what was started, please wait`);
      return;
    }
    log.info(`${signal}: stopping what was started`);
    controller.abort(new ScangateError('GW_ERR_SHUTTING_DOWN', `${signal} received`));
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    received,
    abortSignal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
