import { rebuildRollups } from '../../../core/analytics/rebuild-rollups.js';
import { getCampaign } from '../../../core/campaigns/campaign-store.js';
import { ScangateError } from '../../../core/errors.js';
import { parseCommandArgs, subcommand, type CliCommand } from '../command.js';

/**
 * `scangate analytics rebuild --campaign <id>`: recomputes the campaign's analytics rollups from
 * its scan events and review decisions, in one transaction (core/analytics/rebuild-rollups.ts).
 * Safe while the gateway ingests: batches of the campaign wait for it. Prints what it counted.
 */
export const analyticsCommand: CliCommand = {
  name: 'analytics',
  summary: "recompute a campaign's analytics rollups from its scan events (JSON)",
  usage: 'scangate analytics rebuild --campaign <id>',
  async run(args, ctx) {
    const { rest } = subcommand(args, ['rebuild'] as const);
    const { values } = parseCommandArgs(rest, { campaign: { type: 'string' } }, []);
    if (values.campaign === undefined) throw new ScangateError('GW_ERR_USAGE', '--campaign is required');
    const campaign = await getCampaign(ctx.pool(), values.campaign);
    const counted = await rebuildRollups(ctx.pool(), campaign.id);
    ctx.print(JSON.stringify({ campaign: campaign.id, ...counted }));
  },
};
