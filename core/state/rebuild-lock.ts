import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CampaignKeys } from '../redis/keys.js';
import { loadScriptSources, type ScriptSource } from '../redis/scripts.js';

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

interface LockCommands {
  extendLock(lock: string, token: string, ttlMs: number): Promise<number>;
  releaseLock(lock: string, token: string): Promise<number>;
  completeRebuild(lock: string, epochKey: string, token: string, epoch: string): Promise<number>;
}

const lockScripts: readonly string[] = ['extendLock', 'releaseLock', 'completeRebuild'] satisfies (keyof LockCommands)[];
let sources: ScriptSource[] | undefined;

/** defineCommand once per client (a gateway's client may have them from registerScripts already). */
function lockCommands(redis: Redis): Redis & LockCommands {
  sources ??= loadScriptSources().filter((source) => lockScripts.includes(source.name));
  for (const { name, numberOfKeys, lua } of sources) if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  return redis as Redis & LockCommands;
}

/** The lock, or undefined when another process holds it. */
export async function acquireRebuildLock(redis: Redis, keys: Pick<CampaignKeys, 'rebuildLock' | 'epoch'>, ttlMs: number): Promise<RebuildLock | undefined> {
  const client = lockCommands(redis);
  const token = randomBytes(12).toString('hex');
  if ((await client.set(keys.rebuildLock, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  return {
    token,
    extend: async () => (await client.extendLock(keys.rebuildLock, token, ttlMs)) === 1,
    complete: async (epoch) => (await client.completeRebuild(keys.rebuildLock, keys.epoch, token, epoch)) === 1,
    release: async () => void (await client.releaseLock(keys.rebuildLock, token)),
  };
}
