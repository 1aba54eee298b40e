import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScangateError } from '../errors.js';
import { isProcessAlive, spawnService, type RunAs } from './service-process.js';

/** A server process this process started (redis-server, postgres) in a directory it owns. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Clean shutdown; after `shutdownTimeoutMs` the process group is killed. */
  stop(): Promise<void>;
  /** Signals the whole process group (default SIGKILL: a crash) and waits for the server to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface LaunchOptions {
  /** For error messages: "redis-server", "postgres". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly runAs?: RunAs;
  /** The server's own directory: holds its log and the record of the running process. */
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  readonly answers: (url: string) => Promise<boolean>;
  readonly stopSignal: NodeJS.Signals;
  readonly readyTimeoutMs?: number;
  readonly shutdownTimeoutMs?: number;
}

interface RunningRecord {
  pid: number;
  port: number;
  url: string;
}

const recordFile = (dir: string): string => path.join(dir, 'server.json');
export const serverLogFile = (dir: string, name: string): string => path.join(dir, `${name}.log`);

async function logTail(file: string, lines = 5): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join(' | ');
}

/**
 * The server an earlier run started in `dir` and left running (its own start command crashed,
 * or another terminal runs it). Two servers on one data directory would corrupt it, so a live
 * one is either reused (it answers) or reported (it does not).
 */
export async function findRunningServer(
  dir: string,
  name: string,
  answers: (url: string) => Promise<boolean>,
): Promise<{ url: string; pid: number } | undefined> {
  let record: RunningRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(dir), 'utf8')) as RunningRecord;
  } catch {
    return undefined;
  }
  if (!isProcessAlive(record.pid)) return undefined;
  if (await answers(record.url)) return { url: record.url, pid: record.pid };
  throw new ScangateError(
    'GW_ERR_SERVICE_START',
    `a ${name} (pid ${record.pid}) from an earlier run still holds ${dir} but does not answer; stop it (kill ${record.pid}) and retry`,
  );
}

/** Starts the server, waits until it answers, and records it in its directory. */
export async function launchServer(options: LaunchOptions): Promise<RunningServer> {
  const logFile = serverLogFile(options.dir, options.name);
  const child = spawnService(options.command, options.args, { logFile, ...(options.runAs && { runAs: options.runAs }) });
  const failure = async (what: string): Promise<ScangateError> =>
    new ScangateError('GW_ERR_SERVICE_START', `${options.name} on port ${options.port} ${what}; ${logFile}: ${await logTail(logFile)}`);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await options.answers(options.url))) {
    if (!child.isRunning()) throw await failure(child.exitDescription());
    if (Date.now() > deadline) {
      child.signalGroup('SIGKILL');
      await child.exited;
      throw await failure('did not answer in time');
    }
    await Promise.race([sleep(100), child.exited]);
  }
  await writeFile(recordFile(options.dir), JSON.stringify({ pid: child.pid, port: options.port, url: options.url }));

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    child.signalGroup(signal);
    await child.exited;
  };
  return {
    url: options.url,
    port: options.port,
    pid: child.pid,
    kill,
    async stop() {
      if (child.isRunning()) {
        child.signal(options.stopSignal);
        const timer = setTimeout(() => child.signalGroup('SIGKILL'), options.shutdownTimeoutMs ?? 30_000);
        await child.exited;
        clearTimeout(timer);
      }
      await rm(recordFile(options.dir), { force: true });
    },
  };
}
