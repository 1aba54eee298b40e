/** Milliseconds since the epoch. Session expiry and the login throttle take one, so tests can move time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
