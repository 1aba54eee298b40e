import type { CliCommand } from '../command.js';
import { adminCommand } from './admin.js';
import { adminUserCommand } from './admin-user.js';
import { analyticsCommand } from './analytics.js';
import { auditCommand } from './audit.js';
import { batchCommand } from './batch.js';
import { campaignCommand } from './campaign.js';
import { codesCommand } from './codes.js';
import { ingestCommand } from './ingest.js';
import { loadtestCommand } from './loadtest.js';
import { migrateCommand } from './migrate.js';
import { mintCommand } from './mint.js';
import { partitionsCommand } from './partitions.js';
import { recoverCommand } from './recover.js';
import { serveCommand } from './serve.js';
import { startCommand } from './start.js';

/** Every `scangate` command, in the order `scangate --help` lists them. */
export const commands: readonly CliCommand[] = [startCommand, migrateCommand, campaignCommand, mintCommand, batchCommand, codesCommand, recoverCommand, auditCommand, analyticsCommand, partitionsCommand, serveCommand, ingestCommand, adminCommand, adminUserCommand, loadtestCommand];
