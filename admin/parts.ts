import { auditPart } from './audit/audit-plugin.js';
import { bansPart } from './bans/bans-plugin.js';
import { batchesPart } from './batches/batches-plugin.js';
import type { AdminPart } from './part.js';
import { tracePart } from './trace/trace-plugin.js';
import { usersPart } from './users/users-plugin.js';

/** The console's parts, in navigation order. The review queue, bans and code trace join here. */
export const consoleParts: readonly AdminPart[] = [tracePart, bansPart, auditPart, batchesPart, usersPart];
