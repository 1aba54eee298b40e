import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The minted codes, handed out in slices and each code only once: a fresh-code run never meets a scanned code. */
export class CodeSlices {
  private next = 0;

  constructor(private readonly codes: readonly string[]) {}

  get remaining(): number {
    return this.codes.length - this.next;
  }

  /** The next `count` codes (fewer when the codes run out). */
  take(count: number): string[] {
    const slice = this.codes.slice(this.next, this.next + count);
    this.next += slice.length;
    return slice;
  }
}

/** A paths file for wrk/walk-paths.lua: `/S/<code>` per line, as printed QR URLs spell it. */
export function writePathsFile(dir: string, name: string, codes: readonly string[]): string {
  const file = path.join(dir, `${name}.paths`);
  writeFileSync(file, codes.map((code) => `/S/${code}\n`).join(''));
  return file;
}
