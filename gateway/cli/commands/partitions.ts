import { pruneScanEventPartitions } from '../../../core/db/partitions.js';
import { ScangateError } from '../../../core/errors.js';
import { parseCommandArgs, subcommand, wholeNumber, type CliCommand } from '../command.js';

/**
 * `scangate partitions prune --older-than <days>`: drops scan_events day partitions that ended
 * at least that many days ago (at least 7: core/db/partitions.ts says why). Rollups,
 * redemptions and reviews stay. Prints the tables dropped as JSON.
 */
export const partitionsCommand: CliCommand = {
  name: 'partitions',
  summary: 'drop old scan_events day partitions; analytics rollups and redemptions stay (JSON)',
  usage: 'scangate partitions prune --older-than <days>',
  async run(args, ctx) {
    const { rest } = subcommand(args, ['prune'] as const);
    const { values } = parseCommandArgs(rest, { 'older-than': { type: 'string' } }, []);
    if (values['older-than'] === undefined) throw new ScangateError('GW_ERR_USAGE', '--older-than is required');
    const dropped = await pruneScanEventPartitions(ctx.pool(), wholeNumber('older-than', values['older-than'], 1), new Date());
    ctx.print(JSON.stringify({ dropped }));
  },
};
