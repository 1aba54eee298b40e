import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CampaignKeys } from '../redis/keys.js';
import { scriptCommands } from '../redis/scripts.js';

/**
 * The lock that lets one process at a time rebuild a campaign's Redis state: SET NX PX with a
 * random token, extended while the rebuild runs, and given up only by its holder. The rebuild's
 * last step (epoch set, lock released) is one script that first checks the token, so a rebuild
 * that lost its lock can never mark the state complete.
 */
export interface RebuildLock {
  readonly token: string;
  /** Keeps the lock for another ttl; false when it was lost (expired, maybe taken by another process). */
  extend(): Promise<boolean>;
  /** Sets the epoch and releases the lock in one step; false when the lock was lost (nothing written). */
  complete(epoch: string): Promise<boolean>;
  /** Gives the lock up if this holder still has it. */
  release(): Promise<void>;
}

/** The lock, or undefined when another process holds it. */
export async function acquireRebuildLock(redis: Redis, keys: Pick<CampaignKeys, 'rebuildLock' | 'epoch'>, ttlMs: number): Promise<RebuildLock | undefined> {
  const scripts = scriptCommands(redis);
  const token = randomBytes(12).toString('hex');
  if ((await redis.set(keys.rebuildLock, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  return {
    token,
    extend: () => scripts.extendLock(keys.rebuildLock, token, ttlMs),
    complete: (epoch) => scripts.completeRebuild(keys.rebuildLock, keys.epoch, token, epoch),
    release: async () => void (await scripts.releaseLock(keys.rebuildLock, token)),
  };
}
