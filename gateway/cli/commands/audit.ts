import { auditCampaign } from '../../audit/audit-campaign.js';
import { getCampaign } from '../../../core/campaigns/campaign-store.js';
import { ScangateError } from '../../../core/errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

/**
 * `scangate audit --campaign <id>`: read-only consistency checks of a campaign across Redis and
 * Postgres (gateway/audit/). Prints the report as JSON; exits 1 when any check fails.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: "check a campaign's books: outcomes, prizes vs inventory, one redemption per code, Redis vs Postgres (JSON; exit 1 on a failure)",
  usage: 'scangate audit --campaign <id>',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { campaign: { type: 'string' } }, []);
    if (values.campaign === undefined) throw new ScangateError('GW_ERR_USAGE', '--campaign is required');
    const campaign = await getCampaign(ctx.pool(), values.campaign);
    const inventory = Object.fromEntries(campaign.tiers.map((tier) => [tier.id, tier.inventory]));
    const report = await auditCampaign({ pool: ctx.pool(), redis: ctx.redis(), keyPrefix: ctx.config().redis.keyPrefix, campaignId: campaign.id, inventory });
    ctx.print(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  },
};
