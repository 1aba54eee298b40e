import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath, repoRoot } from './paths.js';
import { compiledPath } from './testing/compiled.js';

describe('repo paths', () => {
  it('finds the scangate package root from the sources', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { name: string };
    expect(manifest.name).toBe('scangate');
    expect(existsSync(repoPath('core/db/migrations/001_initial.sql'))).toBe(true);
  });

  it('finds the same root from the compiled module in dist/', () => {
    const compiled = compiledPath('core/paths.js');
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', `import { repoPath } from ${JSON.stringify(compiled)}; console.log(repoPath('core', 'db'))`], {
      encoding: 'utf8',
    });
    expect(printed.trim()).toBe(repoPath('core', 'db'));
  });
});
