import { analyticsPart } from './analytics/analytics-plugin.js';
import { auditPart } from './audit/audit-plugin.js';
import { bansPart } from './bans/bans-plugin.js';
import { batchesPart } from './batches/batches-plugin.js';
import type { AdminPart } from './part.js';
import { reviewPart } from './review/review-plugin.js';
import { tracePart } from './trace/trace-plugin.js';
import { usersPart } from './users/users-plugin.js';

/** The console's parts, in navigation order: the fraud team's first, then marketing's analytics, then the operators'. */
export const consoleParts: readonly AdminPart[] = [reviewPart, tracePart, bansPart, analyticsPart, auditPart, batchesPart, usersPart];
