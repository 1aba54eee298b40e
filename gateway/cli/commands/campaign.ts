import { loadCampaignFile } from '../../../config/campaign-schema.js';
import { applyCampaign } from '../../../core/campaigns/campaign-store.js';
import { parseCommandArgs, subcommand, type CliCommand } from '../command.js';

export const campaignCommand: CliCommand = {
  name: 'campaign',
  summary: 'store or update a campaign from its file (versioned, audited)',
  usage: 'scangate campaign apply <file>',
  async run(args, ctx) {
    const { rest } = subcommand(args, ['apply']);
    const { positionals } = parseCommandArgs(rest, {}, ['file']);
    const campaign = loadCampaignFile(positionals[0] as string);
    const { version, changed } = await applyCampaign(ctx.pool(), campaign, ctx.actor);
    ctx.print(changed ? `campaign ${campaign.id}: stored as version ${version}` : `campaign ${campaign.id}: unchanged (version ${version})`);
  },
};
