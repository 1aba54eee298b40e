import { CampaignFileError } from '../../config/campaign-schema.js';
import { ConfigError } from '../../config/app-config.js';
import { isScangateError } from '../../core/errors.js';
import { withRecordedServices } from '../../core/services/stack.js';
import type { CliCommand } from './command.js';
import { commands } from './commands/index.js';
import { createCliContext, type CliContext } from './context.js';

const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: scangate <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'scangate <command> --help shows a command\'s options.',
    '',
  ].join('\n');
}

/** One line, whatever threw: pg's AggregateError (several addresses refused) has an empty message. */
function oneLineMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = err instanceof AggregateError ? (err.errors[0] as Error | undefined) : undefined;
  const message = err.message || inner?.message || (err as NodeJS.ErrnoException).code || err.name;
  return message.replace(/\s*\n\s*/g, ' ');
}

const expected = (err: unknown): boolean => isScangateError(err) || err instanceof ConfigError || err instanceof CampaignFileError;

async function runCommand(command: CliCommand, args: string[], ctx: CliContext): Promise<number> {
  try {
    return (await command.run(args, ctx)) ?? exitCodes.ok;
  } catch (err) {
    ctx.note(`scangate: ${oneLineMessage(err)}`);
    if (isScangateError(err, 'GW_ERR_USAGE')) {
      ctx.note(`usage: ${command.usage}`);
      return exitCodes.usage;
    }
    if (!expected(err) && ctx.env.SCANGATE_DEBUG) ctx.note((err as Error).stack ?? '');
    return exitCodes.failed;
  } finally {
    await ctx.close();
  }
}

/** Runs `scangate <argv...>` and resolves with the exit code. */
export async function runCli(argv: readonly string[], options: Parameters<typeof createCliContext>[0] = {}): Promise<number> {
  const [name, ...args] = argv;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (name === '--help' || name === '-h' || name === 'help') {
    stdout.write(overview());
    return exitCodes.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    stderr.write(`${name === undefined ? '' : `scangate: unknown command "${name}"\n\n`}${overview()}`);
    return exitCodes.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(`usage: ${command.usage}\n`);
    return exitCodes.ok;
  }
  let env = options.env ?? process.env;
  try {
    if (!command.bringsUpServices) env = await withRecordedServices(env);
  } catch (err) {
    stderr.write(`scangate: ${oneLineMessage(err)}\n`);
    return exitCodes.failed;
  }
  return runCommand(command, args, createCliContext({ ...options, env }));
}
