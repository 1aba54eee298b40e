import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createInFlight, type InFlight } from './in-flight.js';

const later = (ms: number, run: () => void) => setTimeout(run, ms);

/** settled(), with a flag that says whether it has resolved yet. */
function watchSettled(inFlight: InFlight, quietMs: number, timeoutMs: number) {
  const state = { done: false, result: undefined as boolean | undefined };
  const promise = inFlight.settled(quietMs, timeoutMs).then((result) => Object.assign(state, { done: true, result }));
  return { state, promise };
}

describe('in-flight requests and a graceful stop', () => {
  it('settles only once nothing is in flight and nothing happened for the quiet period', async () => {
    const inFlight = createInFlight();
    inFlight.begin();
    later(20, () => inFlight.end());
    // a request a client had already sent arrives after the last one ended, and is answered at once
    later(40, () => inFlight.touch());
    const watch = watchSettled(inFlight, 200, 5000);
    await sleep(150); // past end + quiet, within touch + quiet
    expect(watch.state.done).toBe(false);
    await watch.promise;
    expect(watch.state.result).toBe(true);
    expect(inFlight.count()).toBe(0);
  });

  it('waits for a request that begins during the quiet period to end', async () => {
    const inFlight = createInFlight();
    later(20, () => inFlight.begin());
    const watch = watchSettled(inFlight, 100, 5000);
    await sleep(400);
    expect(watch.state.done).toBe(false);
    inFlight.end();
    await watch.promise;
    expect(watch.state.result).toBe(true);
  });

  it('gives up at the timeout while a request stays in flight', async () => {
    const seen: number[] = [];
    const inFlight = createInFlight((count) => seen.push(count));
    inFlight.begin();
    expect(await inFlight.settled(10, 80)).toBe(false);
    expect(inFlight.count()).toBe(1);
    expect(seen).toEqual([1]);
  });
});
