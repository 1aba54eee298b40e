import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { ScangateError } from '../core/errors.js';
import { repoPath } from '../core/paths.js';
import type { AssessTask, AssessTaskResult } from './assess-task.js';

/** Compiled JavaScript: Node 20 cannot load TypeScript in a worker thread without a loader. */
const WORKER_FILE = 'dist/workers/assess-batch.js';

export type AssessPool = Piscina<AssessTask, AssessTaskResult>;

/**
 * The one place a worker pool is created: a fixed number of threads, all started up front.
 * stricterFIFO: by default piscina puts a task it could not hand out at the back of the queue,
 * so under load one batch could wait behind every later one (measured: 60-200 ms outliers).
 */
export function createAssessPool(threads: number): AssessPool {
  const file = repoPath(WORKER_FILE);
  if (!existsSync(file)) throw new ScangateError('GW_ERR_WORKER', `${file} is missing; run "npm run build"`);
  return new Piscina({
    filename: pathToFileURL(file).href,
    minThreads: threads,
    maxThreads: threads,
    stricterFIFO: true,
    recordTiming: false,
  });
}
