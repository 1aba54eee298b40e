import { limitKey } from './client-ip.js';

export interface ForgedLimiter {
  /** Forged codes this address sent in its current window (the enumeration signal). */
  attempts(ip: string, now: number): number;
  /** Seconds until the address may scan again, or 0 when it is under the limit. */
  blockedFor(ip: string, now: number): number;
  /** Counts one forged code; returns the address's count in its window. */
  record(ip: string, now: number): number;
  /** Addresses currently tracked (bounded by the sweep). */
  size(): number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * An in-process, fixed-window count of forged codes per client address (IPv6 per /64). Past
 * `limit` in a window the address is refused with 429 until the window ends, before its codes
 * are even verified, so a flood never costs an HMAC, let alone a Redis call. Each gateway
 * process counts alone: with N processes an address gets up to N × limit, which is fine for a
 * defence whose job is to make enumeration slow and visible. Expired windows are swept once
 * per window so the map only holds recently seen addresses.
 */
export function createForgedLimiter(limit: number, windowSeconds: number): ForgedLimiter {
  const windowMs = windowSeconds * 1000;
  const windows = new Map<string, Window>();
  let sweptAt = 0;

  function current(key: string, now: number): Window | undefined {
    const window = windows.get(key);
    return window && now - window.startedAt < windowMs ? window : undefined;
  }

  function sweep(now: number): void {
    if (now - sweptAt < windowMs) return;
    sweptAt = now;
    for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key);
  }

  return {
    attempts: (ip, now) => current(limitKey(ip), now)?.count ?? 0,
    blockedFor(ip, now) {
      const window = current(limitKey(ip), now);
      return window && window.count >= limit ? Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000)) : 0;
    },
    record(ip, now) {
      sweep(now);
      const key = limitKey(ip);
      const window = current(key, now);
      if (window) return ++window.count;
      windows.set(key, { startedAt: now, count: 1 });
      return 1;
    },
    size: () => windows.size,
  };
}
