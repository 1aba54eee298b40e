/** admin: everything; reviewer: review queue, bans, code trace (full PII); viewer: read-only, PII masked. */
export const roles = ['admin', 'reviewer', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

/** Only viewers see addresses and device ids masked. */
export const seesFullPii = (role: Role): boolean => role !== 'viewer';
