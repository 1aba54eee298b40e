import { runCli } from './cli.js';

// The `scangate` executable (scripts/scangate.js): the exit code is set, not forced, so output drains.
process.exitCode = await runCli(process.argv.slice(2));
