import { afterEach, describe, expect, it, vi } from 'vitest';
import { findFreePort } from '../services/free-port.js';
import { createRedisClient, duplicateRedisClient } from './redis-client.js';

/** Waits until the listener has seen a failed connect to a port nothing listens on. */
function firstError(errors: Error[]): Promise<Error> {
  return vi.waitFor(() => errors[0] ?? Promise.reject(new Error('no connection error yet')), { timeout: 10_000, interval: 20 });
}

describe('Redis clients', () => {
  const unhandled = vi.spyOn(console, 'error');
  afterEach(() => unhandled.mockClear());

  it('hands connection errors to the listener instead of "[ioredis] Unhandled error event"', async () => {
    const errors: Error[] = [];
    const client = createRedisClient(`redis://127.0.0.1:${await findFreePort()}`, { maxRetriesPerRequest: 0 }, (err) => errors.push(err));
    const duplicateErrors: Error[] = [];
    const duplicate = duplicateRedisClient(client, (err) => duplicateErrors.push(err));
    try {
      await expect(client.ping()).rejects.toThrow();
      expect((await firstError(errors)).message).toMatch(/ECONNREFUSED/);
      expect((await firstError(duplicateErrors)).message).toMatch(/ECONNREFUSED/);
      expect(unhandled.mock.calls.filter(([first]) => String(first).includes('[ioredis] Unhandled error event'))).toEqual([]);
    } finally {
      client.disconnect();
      duplicate.disconnect();
    }
  });

});
