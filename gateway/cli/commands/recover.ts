import { getCampaign } from '../../../core/campaigns/campaign-store.js';
import { ScangateError } from '../../../core/errors.js';
import { rebuildCampaignState } from '../../../core/state/rebuild-campaign.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

/**
 * `scangate recover --campaign <id> [--force]`: rebuilds the campaign's Redis state from Postgres
 * when its epoch is missing (the gateway does the same by itself; this is the operator's lever).
 * --force rebuilds a state that still has its epoch: the campaign is refused until it is done.
 * Prints the result as JSON; exits 1 when another process holds the rebuild lock.
 */
export const recoverCommand: CliCommand = {
  name: 'recover',
  summary: "rebuild a campaign's Redis state (redeemed codes, issued prizes, limits) from Postgres",
  usage: 'scangate recover --campaign <id> [--force]   (--force: rebuild even though the state looks complete)',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { campaign: { type: 'string' }, force: { type: 'boolean', default: false } }, []);
    if (values.campaign === undefined) throw new ScangateError('GW_ERR_USAGE', '--campaign is required');
    const campaign = await getCampaign(ctx.pool(), values.campaign);
    const result = await rebuildCampaignState({ redis: ctx.redis(), pool: ctx.pool(), keyPrefix: ctx.config().redis.keyPrefix }, campaign, { force: values.force });
    ctx.print(JSON.stringify({ campaign: campaign.id, ...result }));
    if (result.status === 'intact') ctx.note(`campaign ${campaign.id}: its Redis state is complete (epoch present); --force rebuilds it anyway`);
    if (result.status === 'busy') {
      ctx.note(`campaign ${campaign.id}: another process is rebuilding it; try again when it is done`);
      return 1;
    }
  },
};
