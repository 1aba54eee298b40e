import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from '../paths.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The path of a compiled module under dist/, building first when a source is newer (tests that
 * start the real `scangate` process need it; `npm test` has just built, so this is usually free).
 */
export function compiledPath(relative: string): string {
  const target = repoPath('dist', relative);
  let builtAt = 0;
  try {
    builtAt = statSync(target).mtimeMs;
  } catch {
    // not built yet
  }
  const stale = ['core', 'gateway', 'config', 'workers'].some((dir) => newestSource(repoPath(dir)) > builtAt);
  if (stale) execFileSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', repoPath('tsconfig.json')], { stdio: 'inherit' });
  return target;
}
