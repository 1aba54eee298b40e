import { describe, expect, it } from 'vitest';
import { isScangateError } from '../../core/errors.js';
import { listenForShutdown } from './shutdown-signal.js';

describe('listenForShutdown', () => {
  it('turns the first SIGTERM or SIGINT into a resolved promise and an abort, notes repeats, and lets go on dispose', async () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const lines: string[] = [];
    const shutdown = listenForShutdown({ info: (line) => lines.push(line) });
    expect(shutdown.abortSignal.aborted).toBe(false);

    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(await shutdown.received).toBe('SIGTERM');
    expect(isScangateError(shutdown.abortSignal.reason, 'GW_ERR_SHUTTING_DOWN')).toBe(true);
    expect(lines).toEqual(['SIGTERM: stopping what was started', 'SIGINT again: still stopping what was started, please wait']);

    shutdown.dispose();
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
  });
});
