import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createInFlight, type InFlight } from './in-flight.js';

/** settled(), with a flag that says whether it has resolved yet. */
function watchSettled(inFlight: InFlight, quietMs: number, timeoutMs: number) {
  const state = { done: false, result: undefined as boolean | undefined };
  void inFlight.settled(quietMs, timeoutMs).then((result) => Object.assign(state, { done: true, result }));
  return state;
}

describe('in-flight requests and a graceful stop', () => {
  it('settles only once nothing is in flight and nothing happened for the quiet period', async () => {
    const clock = createManualClock();
    const inFlight = createInFlight(undefined, clock);
    inFlight.begin();
    const settled = watchSettled(inFlight, 200, 5000);
    await clock.advance(20);
    inFlight.end();
    await clock.advance(20);
    // a request a client had already sent arrives after the last one ended, and is answered at once
    inFlight.touch();
    await clock.advance(190); // past end + quiet, within touch + quiet
    expect(settled.done).toBe(false);
    await clock.advance(10);
    expect(settled).toEqual({ done: true, result: true });
    expect(inFlight.count()).toBe(0);
  });

  it('waits for a request that begins during the quiet period to end', async () => {
    const clock = createManualClock();
    const inFlight = createInFlight(undefined, clock);
    const settled = watchSettled(inFlight, 100, 5000);
    await clock.advance(20);
    inFlight.begin();
    await clock.advance(400);
    expect(settled.done).toBe(false);
    inFlight.end();
    await clock.advance(99);
    expect(settled.done).toBe(false);
    await clock.advance(1);
    expect(settled).toEqual({ done: true, result: true });
  });

  it('gives up at the timeout while a request stays in flight', async () => {
    const clock = createManualClock();
    const seen: number[] = [];
    const inFlight = createInFlight((count) => seen.push(count), clock);
    inFlight.begin();
    const settled = watchSettled(inFlight, 10, 80);
    await clock.advance(79);
    expect(settled.done).toBe(false);
    await clock.advance(1);
    expect(settled).toEqual({ done: true, result: false });
    expect(inFlight.count()).toBe(1);
    expect(seen).toEqual([1]);
  });
});
