import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoPath } from './paths.js';

/** Lints one line as if it were the first line of `file` with the repository's eslint.config.js. */
async function importErrors(file: string, line: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoPath() });
  const [result] = await eslint.lintText(`${line}\nexport const used = value;\n`, { filePath: repoPath(file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    ['core/redis/example.ts', "import { value } from '../gateway/metrics.js';"],
    ['core/example.ts', "import { value } from '../workers/draw.js';"],
    ['core/example.ts', "import { value } from '../admin/app.js';"],
    ['workers/example.ts', "import { value } from '../gateway/metrics.js';"],
    ['gateway/http/example.ts', "import { value } from '../../admin/app.js';"],
    ['admin/example.ts', "import { value } from '../gateway/metrics.js';"],
    ['admin/example.ts', "import { value } from '../workers/draw.js';"],
    ['core/redis/example.ts', "import { value } from './testing/test-stack.js';"],
    ['gateway/http/example.ts', "import { value } from '../gateway/testing/gateway-harness.js';"],
  ])('%s may not run %s', async (file, line) => {
    expect(await importErrors(file, line)).toHaveLength(1);
  });

  it.each([
    ['gateway/http/example.ts', "import { value } from './errors.js';"],
    ['gateway/scan/example.ts', "import { value } from '../workers/draw.js';"],
    ['workers/example.ts', "import { value } from './errors.js';"],
    ['admin/example.ts', "import { value } from './errors.js';"],
    ['core/example.ts', "import { value } from '../config/app-config.js';"],
    ['gateway/cli/example.ts', "import { value } from '../../admin/app.js';"],
    ['gateway/http/example.test.ts', "import { value } from '../gateway/testing/gateway-harness.js';"],
    ['gateway/faults/example.ts', "import { value } from './testing/test-stack.js';"],
  ])('%s may run %s', async (file, line) => {
    expect(await importErrors(file, line)).toEqual([]);
  });
});
