import type { Campaign } from '../../config/campaign-schema.js';
import type { Assessor, ScanToAssess } from '../scan/assessor.js';
import type { ScanAssessment } from '../../core/scan/types.js';

export interface AssessQueue {
  /** The CPU-stage verdict on one scan; scans of one campaign in one event-loop turn share a call. */
  assess(campaign: Campaign, scan: ScanToAssess): Promise<ScanAssessment>;
}

interface Waiting {
  readonly scan: ScanToAssess;
  resolve(assessment: ScanAssessment): void;
  reject(err: unknown): void;
}

export interface AssessQueueHooks {
  /** a call to the assessor with this many scans */
  batch?(size: number): void;
  /** scans waiting for or inside the CPU stage changed by `delta` */
  depth?(delta: number): void;
}

/**
 * Micro-batches the CPU stage: scans that arrive in one event-loop turn wait until the turn's
 * I/O is handled (setImmediate), then go to the assessor as one call per campaign, at most
 * `maxBatch` scans each (a full group leaves at once).
 */
export function createAssessQueue(assessor: Assessor, maxBatch: number, hooks: AssessQueueHooks = {}): AssessQueue {
  let groups = new Map<Campaign, Waiting[]>();
  let flushScheduled = false;

  function run(campaign: Campaign, waiting: Waiting[]): void {
    hooks.batch?.(waiting.length);
    assessor.assess(campaign, waiting.map((w) => w.scan)).then(
      (assessments) => {
        waiting.forEach((w, i) => w.resolve(assessments[i] as ScanAssessment));
        hooks.depth?.(-waiting.length);
      },
      (err: unknown) => {
        for (const w of waiting) w.reject(err);
        hooks.depth?.(-waiting.length);
      },
    );
  }

  function flush(): void {
    flushScheduled = false;
    const ready = groups;
    groups = new Map();
    for (const [campaign, waiting] of ready) run(campaign, waiting);
  }

  return {
    assess(campaign, scan) {
      return new Promise((resolve, reject) => {
        hooks.depth?.(1);
        let waiting = groups.get(campaign);
        if (waiting === undefined) groups.set(campaign, (waiting = []));
        waiting.push({ scan, resolve, reject });
        if (waiting.length >= maxBatch) {
          groups.delete(campaign);
          run(campaign, waiting);
        } else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
