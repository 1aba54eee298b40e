import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- <name> [args]` runs `<name>.bench.ts` (compiled) and its `run(args)`;
 * without a name it lists the benchmarks.
 */
interface Benchmark {
  run(args: string[]): Promise<void>;
}

const suffix = '.bench.js';
const names = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
  .filter((file) => file.endsWith(suffix))
  .map((file) => file.slice(0, -suffix.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`no benchmark named "${name}"`);
  console.log(`usage: npm run bench -- <name> [options]\nbenchmarks: ${names.join(', ')}`);
  process.exitCode = name === undefined ? 0 : 2;
} else {
  const benchmark = (await import(`./${name}${suffix}`)) as Benchmark;
  await benchmark.run(args);
}
