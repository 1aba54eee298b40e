import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ScangateError } from '../../core/errors.js';
import type { CliContext } from './context.js';

/** One `scangate <name>` command; registered in commands/index.ts. */
export interface CliCommand {
  readonly name: string;
  /** one line for the command list */
  readonly summary: string;
  /** the usage lines shown by `scangate <name> --help` and after a usage error */
  readonly usage: string;
  /** finds or starts Redis and Postgres itself, rather than using the ones a running `npm start` recorded */
  readonly bringsUpServices?: boolean;
  /** resolves with the exit code (0 when nothing is returned) */
  run(args: string[], ctx: CliContext): Promise<number | void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into usage errors and a fixed number of positionals. */
export function parseCommandArgs<const O extends Options>(args: string[], options: O, positionals: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ScangateError('GW_ERR_USAGE', (err as Error).message);
  }
  if (parsed.positionals.length !== positionals.length)
    throw new ScangateError('GW_ERR_USAGE', positionals.length === 0 ? 'takes no arguments' : `expects ${positionals.map((p) => `<${p}>`).join(' ')}`);
  return parsed;
}

/** A whole number option such as --count. */
export function wholeNumber(option: string, raw: string, min: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new ScangateError('GW_ERR_USAGE', `--${option} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

/** Commands with sub-commands (`batch activate`, ...) pick one by their first argument. */
export function subcommand<K extends string>(args: string[], names: readonly K[]): { name: K; rest: string[] } {
  const [name, ...rest] = args;
  if (name === undefined || !(names as readonly string[]).includes(name))
    throw new ScangateError('GW_ERR_USAGE', name === undefined ? `needs one of: ${names.join(', ')}` : `unknown sub-command "${name}"`);
  return { name: name as K, rest };
}
