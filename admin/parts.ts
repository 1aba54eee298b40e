import { auditPart } from './audit/audit-plugin.js';
import { batchesPart } from './batches/batches-plugin.js';
import type { AdminPart } from './part.js';
import { reviewPart } from './review/review-plugin.js';
import { usersPart } from './users/users-plugin.js';

/** The console's parts, in navigation order. The review queue, bans and code trace join here. */
export const consoleParts: readonly AdminPart[] = [reviewPart, auditPart, batchesPart, usersPart];
