export interface ItemFailure<T> {
  readonly item: T;
  readonly error: Error;
}

/**
 * Writes `items` with `write`; when that fails because of some item's content (`isItemError`),
 * splits the batch in halves until each failing item stands alone, so one poison row never holds
 * back the rows around it (about 2·log2(n) extra writes per bad item). Other errors propagate.
 */
export async function writeIsolatingFailures<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<void>,
  isItemError: (err: unknown) => boolean,
): Promise<ItemFailure<T>[]> {
  if (items.length === 0) return [];
  try {
    await write(items);
    return [];
  } catch (err) {
    if (!isItemError(err)) throw err;
    if (items.length === 1) return [{ item: items[0] as T, error: err as Error }];
  }
  const middle = Math.ceil(items.length / 2);
  const first = await writeIsolatingFailures(items.slice(0, middle), write, isItemError);
  const second = await writeIsolatingFailures(items.slice(middle), write, isItemError);
  return [...first, ...second];
}
