import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Teardown } from './teardown.js';

export type HelloKind = 'uws' | 'node';

export interface HelloServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** hello-uws.ts or hello-node.ts (compiled, next to this module) as a child process on a free port. */
export async function startHelloServer(kind: HelloKind, teardown: Teardown): Promise<HelloServer> {
  const script = fileURLToPath(new URL(`./hello-${kind}.js`, import.meta.url));
  const child = spawn(process.execPath, [script, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  teardown.add(stop);
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error(`hello-${kind} exited before it listened`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop };
}
