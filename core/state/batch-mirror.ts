import type { ChainableCommander, Redis } from 'ioredis';

/**
 * The campaign's `batches` hash, batchId → "1" (active) / "0" (inactive): Postgres's batch
 * activation as the decision script reads it (not_activated). This is its one writer: `batch
 * activate`, the gateway's prepareCampaignState and the rebuild all mirror through here.
 */
export function mirrorBatches(target: Redis, batchesKey: string, batches: ReadonlyMap<number, boolean>): Promise<number>;
/** Queued on a pipeline or transaction. */
export function mirrorBatches(target: ChainableCommander, batchesKey: string, batches: ReadonlyMap<number, boolean>): ChainableCommander;
export function mirrorBatches(target: Redis | ChainableCommander, batchesKey: string, batches: ReadonlyMap<number, boolean>): Promise<number> | ChainableCommander {
  return target.hset(batchesKey, Object.fromEntries([...batches].map(([id, active]) => [String(id), active ? '1' : '0'])));
}
