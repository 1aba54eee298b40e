/** `--name <n>` from a benchmark's arguments: a positive whole number, or the default. */
export function countOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

/** `--name a,b,c`: positive whole numbers, or the default. */
export function countListOption(args: readonly string[], name: string, fallback: readonly number[]): number[] {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return [...fallback];
  const values = String(args[at + 1] ?? '').split(',').map(Number);
  if (values.some((value) => !Number.isSafeInteger(value) || value < 1)) throw new Error(`--${name} needs positive whole numbers separated by commas`);
  return values;
}

/** `--name <choice>`: one of `choices`, or the default. */
export function choiceOption<T extends string>(args: readonly string[], name: string, choices: readonly T[], fallback: T): T {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = args[at + 1] as T;
  if (!choices.includes(value)) throw new Error(`--${name} needs one of ${choices.join(', ')}`);
  return value;
}
