import { open, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { mintBatch } from '../../../core/campaigns/mint.js';
import { createCodeSigner } from '../../../core/codes/code-signer.js';
import { parseCommandArgs, wholeNumber, type CliCommand } from '../command.js';
import { ScangateError } from '../../../core/errors.js';

export const mintCommand: CliCommand = {
  name: 'mint',
  summary: 'create a code batch and write its code,url CSV for the printer',
  usage: [
    'scangate mint --campaign <id> --count <n> [--batch <name>] [--region <code>] [--out <file>] [--honeypot <n>]',
    '  writes the CSV to --out (a new file, mode 0600) or stdout; the batch starts inactive',
  ].join('\n'),
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        campaign: { type: 'string' },
        count: { type: 'string' },
        batch: { type: 'string' },
        region: { type: 'string' },
        out: { type: 'string' },
        honeypot: { type: 'string' },
      },
      [],
    );
    if (values.campaign === undefined || values.count === undefined) throw new ScangateError('GW_ERR_USAGE', '--campaign and --count are required');
    const count = wholeNumber('count', values.count, 1);
    const honeypots = values.honeypot === undefined ? 0 : wholeNumber('honeypot', values.honeypot, 0);
    const config = ctx.config();
    const signer = createCodeSigner(ctx.secrets());

    // A new file only: a printer file overwritten by mistake could not be told from the old one.
    const file = values.out === undefined ? undefined : await open(values.out, 'wx', 0o600);
    const out: Writable = file ? file.createWriteStream() : ctx.stdout;
    try {
      const { batch } = await mintBatch({
        pool: ctx.pool(),
        signer,
        publicUrl: config.publicUrl,
        campaignId: values.campaign,
        count,
        honeypots,
        out,
        ...(values.batch !== undefined && { name: values.batch }),
        ...(values.region !== undefined && { region: values.region }),
      });
      const canaries = honeypots > 0 ? ` (+${honeypots} honeypots, recorded, not printed)` : '';
      ctx.note(`minted ${count} codes${canaries} for campaign ${batch.campaignId}${values.out ? ` into ${values.out}` : ''}`);
      ctx.note(`batch ${batch.name} (id ${batch.id}), serials ${batch.serialFirst}-${batch.serialLast}, ${batch.status}`);
      ctx.note(`activate it at ship-out: scangate batch activate ${batch.name}`);
    } catch (err) {
      if (values.out !== undefined) await rm(values.out, { force: true });
      throw err;
    } finally {
      await file?.close();
    }
  },
};
