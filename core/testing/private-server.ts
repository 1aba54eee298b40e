import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../services/free-port.js';
import type { RunningServer } from '../services/running-server.js';

/** A server of a test's own (for fault tests): a temp dir, a free port, and full control of the process. */
export interface PrivateServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Signals the server's process group (default SIGKILL: a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if it runs (its clean shutdown), then starts it again on the same port and dir. */
  restart(): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

export async function startPrivateServer(
  name: string,
  start: (dir: string, port: number) => Promise<RunningServer>,
): Promise<PrivateServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `scangate-${name}-`));
  const port = await findFreePort();
  let server = await start(dir, port).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: server.url,
    port,
    dir,
    kill: (signal) => server.kill(signal),
    async restart() {
      await server.stop();
      server = await start(dir, port);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
