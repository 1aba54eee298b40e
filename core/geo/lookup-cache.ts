/**
 * A bounded cache for lookups by address: two generations of at most `generationSize` entries.
 * New entries go to the young one; when it fills, it becomes the old one and the previous old
 * one is dropped whole; an old entry that is read again moves back to the young one. So an
 * address seen again within about `generationSize` distinct addresses stays cached (a carrier
 * NAT's address, busy all day), one-off addresses age out, and no read reorders a map.
 */
export class LookupCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly generationSize: number) {
    if (!Number.isSafeInteger(generationSize) || generationSize < 1) throw new RangeError('generationSize must be a positive whole number');
  }

  get(key: string): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Entries held: never more than twice the generation size. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
