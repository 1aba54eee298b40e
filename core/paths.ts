import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScangateError } from './errors.js';

let root: string | undefined;

function isScangateRoot(dir: string): boolean {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'scangate';
  } catch {
    return false;
  }
}

/**
 * The repository root: the nearest directory above this module whose package.json is scangate's.
 * Walking up (rather than a fixed "../") is what makes it the same from gateway/ and dist/gateway/.
 */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isScangateRoot(dir)) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new ScangateError('GW_ERR_INTERNAL', `no scangate package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A path inside the repository, e.g. repoPath('core/db/migrations') for the SQL files. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot(), ...parts);
}
