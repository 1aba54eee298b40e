/**
 * A coarse user-agent class: the scan rules only need to know whether a phone opened the code.
 * The class travels in the decision events as a short string, so the names are stable.
 */
export const uaClasses = ['mobile', 'desktop', 'headless', 'bot', 'unknown'] as const;

export type UaClass = (typeof uaClasses)[number];
