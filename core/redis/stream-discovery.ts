import type { Redis } from 'ioredis';
import { campaignKeys } from './keys.js';
import type { EventStream } from './stream-entry.js';

/** Campaign ids are slugs (config/campaign-schema.ts); anything else under the pattern is not ours. */
const campaignIdPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function eventStream(prefix: string, campaignId: string): EventStream {
  return { key: campaignKeys(prefix, campaignId).events, campaignId };
}

/**
 * Finds every campaign's events stream under the key prefix, so a campaign that starts deciding
 * is picked up without any registry. (The keyspace holds a handful of keys per campaign; the scan
 * is cheap. On Redis Cluster this must run against every primary.)
 */
export async function discoverEventStreams(redis: Redis, prefix: string): Promise<EventStream[]> {
  // The key around a placeholder id, so the layout stays defined in keys.ts only.
  const [head, tail] = eventStream(prefix, '\u0000').key.split('\u0000') as [string, string];
  const found = new Map<string, EventStream>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${head}*${tail}`, 'COUNT', 1000, 'TYPE', 'stream');
    cursor = next;
    for (const key of keys) {
      const campaignId = key.slice(head.length, key.length - tail.length);
      if (campaignIdPattern.test(campaignId)) found.set(key, eventStream(prefix, campaignId));
    }
  } while (cursor !== '0');
  return [...found.values()].sort((a, b) => a.key.localeCompare(b.key));
}
