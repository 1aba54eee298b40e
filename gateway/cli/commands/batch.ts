import { listBatches, setBatchStatus, type Batch, type BatchRedisTarget } from '../../../core/campaigns/batches.js';
import { parseCommandArgs, subcommand, type CliCommand } from '../command.js';
import type { CliContext } from '../context.js';

/** Redis when it answers; otherwise the change is made in Postgres and the gap is said out loud. */
async function reachableRedis(ctx: CliContext): Promise<BatchRedisTarget | undefined> {
  const client = ctx.redis();
  try {
    await client.ping();
    return { client, prefix: ctx.config().redis.keyPrefix };
  } catch (err) {
    ctx.note(`warning: Redis is not reachable (${(err as Error).message}); only Postgres is updated`);
    ctx.note('the gateway sees the change once the campaign state in Redis is rebuilt from Postgres');
    return undefined;
  }
}

function table(batches: readonly Batch[]): string[] {
  const header = ['id', 'name', 'campaign', 'region', 'status', 'printed', 'honeypots', 'created'];
  const rows = batches.map((b) => [String(b.id), b.name, b.campaignId, b.region ?? '-', b.status, String(b.printedCount), String(b.honeypotCount), b.createdAt.toISOString()]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd());
}

export const batchCommand: CliCommand = {
  name: 'batch',
  summary: 'activate (at ship-out), deactivate or list code batches',
  usage: ['scangate batch activate <batch>', 'scangate batch deactivate <batch>', 'scangate batch list [--campaign <id>]', '  <batch> is a batch name or id'].join('\n'),
  async run(args, ctx) {
    const { name, rest } = subcommand(args, ['activate', 'deactivate', 'list']);
    if (name === 'list') {
      const { values } = parseCommandArgs(rest, { campaign: { type: 'string' } }, []);
      const batches = await listBatches(ctx.pool(), values.campaign);
      if (batches.length === 0) ctx.note('no batches');
      else for (const line of table(batches)) ctx.print(line);
      return;
    }
    const { positionals } = parseCommandArgs(rest, {}, ['batch']);
    const active = name === 'activate';
    const redis = await reachableRedis(ctx);
    const batch = await setBatchStatus(ctx.pool(), positionals[0] as string, active, redis, ctx.actor);
    ctx.print(`batch ${batch.name} (id ${batch.id}, campaign ${batch.campaignId}): ${batch.status}`);
  },
};
