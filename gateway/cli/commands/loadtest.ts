import { createCodeSigner } from '../../../core/codes/code-signer.js';
import { ScangateError } from '../../../core/errors.js';
import { parseCommandArgs, subcommand, wholeNumber, type CliCommand } from '../command.js';
import { prepareLoadTarget } from './loadtest-target.js';

export const loadtestCommand: CliCommand = {
  name: 'loadtest',
  summary: 'prepare a stack for the k6 suites: mint and activate a batch, write the codes they read',
  usage: [
    'scangate loadtest prepare --campaign <id> --codes <n> [--forged <n>] [--leaked <n>] [--region <code>] [--base-url <url>] [--out <dir>]',
    '  writes codes.json (shuffled), forged.json, leaked.json (serial order) and target.json to --out (default loadtest/k6/data)',
    '  --base-url defaults to publicUrl; the batch ships to --region, by default the campaign\'s first region',
  ].join('\n'),
  async run(args, ctx) {
    const { rest } = subcommand(args, ['prepare']);
    const { values } = parseCommandArgs(
      rest,
      {
        campaign: { type: 'string' },
        codes: { type: 'string' },
        forged: { type: 'string' },
        leaked: { type: 'string' },
        region: { type: 'string' },
        'base-url': { type: 'string' },
        out: { type: 'string' },
      },
      [],
    );
    if (values.campaign === undefined || values.codes === undefined) throw new ScangateError('GW_ERR_USAGE', '--campaign and --codes are required');
    const config = ctx.config();
    const { batch, target } = await prepareLoadTarget({
      pool: ctx.pool(),
      redis: { client: ctx.redis(), prefix: config.redis.keyPrefix },
      signer: createCodeSigner(ctx.secrets()),
      publicUrl: config.publicUrl,
      baseUrl: values['base-url'] ?? config.publicUrl,
      campaignId: values.campaign,
      codes: wholeNumber('codes', values.codes, 1),
      forged: values.forged === undefined ? 0 : wholeNumber('forged', values.forged, 0),
      leaked: values.leaked === undefined ? 0 : wholeNumber('leaked', values.leaked, 0),
      actor: ctx.actor,
      outDir: values.out ?? 'loadtest/k6/data',
      ...(values.region !== undefined && { region: values.region }),
    });
    ctx.note(`batch ${batch.name} (id ${batch.id}) of campaign ${target.campaignId}: ${target.codes} codes + ${target.leaked} leaked, ${batch.status}`);
    ctx.print(JSON.stringify(target));
  },
};
