import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** The user a server runs as when it refuses to run as root (Postgres). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface ServiceProcess {
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<void>;
  isRunning(): boolean;
  /** How it ended, for error messages ("exited with code 1"); empty while running. */
  exitDescription(): string;
  /** Signals the server process itself (its own shutdown path). */
  signal(signal: NodeJS.Signals): void;
  /** Signals the whole process group: with SIGKILL, a crash in which no shutdown code runs. */
  signalGroup(signal: NodeJS.Signals): void;
}

/** Is there a process with this pid (ours or another user's)? */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a server in its own process group, output appended to logFile. Its own group keeps a
 * terminal's Ctrl-C from reaching it directly: the stack stops its servers itself, in order,
 * after the gateway has drained.
 */
export function spawnService(command: string, args: readonly string[], options: { logFile: string; runAs?: RunAs }): ServiceProcess {
  const logFd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd], ...options.runAs });
  } finally {
    closeSync(logFd);
  }
  let running = true;
  let description = '';
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      running = false;
      description = `could not run ${command}: ${err.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      running = false;
      description = signal ? `killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
      resolve();
    });
  });
  const pid = child.pid ?? 0;
  const send = (target: number, signal: NodeJS.Signals): void => {
    if (!running || pid === 0) return;
    try {
      process.kill(target, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  return {
    pid,
    exited,
    isRunning: () => running,
    exitDescription: () => description,
    signal: (signal) => send(pid, signal),
    signalGroup: (signal) => send(-pid, signal),
  };
}
