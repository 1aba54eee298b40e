import type { Campaign } from '../../config/campaign-schema.js';
import type { Assessor, ScanToAssess } from '../scan/assessor.js';
import type { ScanAssessment } from '../../core/scan/types.js';
import { createMicroBatcher, type MicroBatcherHooks } from '../scan/micro-batcher.js';

export interface AssessQueue {
  /** The CPU-stage verdict on one scan; scans of one campaign in one event-loop turn share a call. */
  assess(campaign: Campaign, scan: ScanToAssess): Promise<ScanAssessment>;
}

/** The CPU stage behind the scans' micro-batcher: one assessor call per campaign per event-loop turn. */
export function createAssessQueue(assessor: Assessor, maxBatch: number, hooks: MicroBatcherHooks = {}): AssessQueue {
  const batcher = createMicroBatcher((campaign: Campaign, scans: readonly ScanToAssess[]) => assessor.assess(campaign, scans), maxBatch, hooks);
  return { assess: (campaign, scan) => batcher.add(campaign, scan) };
}
