import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { repoPath } from '../../core/paths.js';

/** How a child ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A `scangate <command>` child process of a fault test. */
export interface ScangateProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  isRunning(): boolean;
  /** Sends the signal (default SIGKILL: a crash, no shutdown code runs) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  logTail(lines?: number): string;
}

/** The compiled CLI: fault tests run the real executable, as production does. */
export function compiledCli(): string {
  const main = repoPath('dist/gateway/cli/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: fault tests run the compiled CLI (npm test builds it; or npm run build)`);
  return main;
}

/** Runs `node dist/gateway/cli/main.js <args>` with exactly `env` (plus PATH), output appended to logFile. */
export function spawnScangate(args: readonly string[], env: Readonly<Record<string, string>>, logFile: string): ScangateProcess {
  const log = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(process.execPath, [compiledCli(), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  let running = true;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', () => {
      running = false;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid ?? 0,
    exited,
    isRunning: () => running,
    async kill(signal = 'SIGKILL') {
      if (running) child.kill(signal);
      return exited;
    },
    logTail: (lines = 20) => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
  };
}
