import { getBatch } from '../../../core/campaigns/batches.js';
import { createCodeVerifier } from '../../../core/codes/code-verifier.js';
import { isScangateError } from '../../../core/errors.js';
import { parseCommandArgs, subcommand, type CliCommand } from '../command.js';

export const codesCommand: CliCommand = {
  name: 'codes',
  summary: 'check a code: signature, batch and serial (JSON; exit 1 when invalid)',
  usage: 'scangate codes verify <code>',
  async run(args, ctx) {
    const { rest } = subcommand(args, ['verify']);
    const { positionals } = parseCommandArgs(rest, {}, ['code']);
    const result = createCodeVerifier(ctx.secrets()).verify(positionals[0] as string);
    if (!result.valid) {
      ctx.print(JSON.stringify({ valid: false, reason: result.reason }));
      return 1;
    }
    // The signature alone proves the code genuine; the campaign comes from its batch, if this database has it.
    const campaign = await getBatch(ctx.pool(), result.batchId).then(
      (batch) => batch.campaignId,
      (err: unknown) => {
        if (isScangateError(err, 'GW_ERR_BATCH_UNKNOWN')) return undefined;
        throw err;
      },
    );
    ctx.print(JSON.stringify({ valid: true, campaign, batch: result.batchId, serial: result.serial }));
    return 0;
  },
};
