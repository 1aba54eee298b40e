import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The absolute path of an executable found on PATH, like `command -v`, or undefined. */
export function findOnPath(command: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
