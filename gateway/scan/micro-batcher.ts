export interface MicroBatcherHooks {
  /** a call to `send` with this many items */
  batch?(size: number): void;
  /** items waiting for or inside a call changed by `delta` */
  depth?(delta: number): void;
}

export interface MicroBatcher<Key, Item, Result> {
  /** The result for one item; items of one key added in one event-loop turn share a `send` call. */
  add(key: Key, item: Item): Promise<Result>;
  /** Sends what is waiting and resolves once every call has answered. */
  drain(): Promise<void>;
}

/** The items of one key waiting for the same call, answered in order. */
interface Group<Item, Result> {
  readonly items: Item[];
  readonly resolves: ((result: Result) => void)[];
  readonly rejects: ((err: unknown) => void)[];
}

/**
 * The micro-batcher of both scan stages (the CPU stage and the decision script): items that
 * arrive in one event-loop turn wait until the turn's I/O is handled (setImmediate), then go to
 * `send` as one call per key, at most `maxBatch` items each (a full group leaves at once).
 * `send` answers one result per item, in order; when it fails, every item of the call fails.
 */
export function createMicroBatcher<Key, Item, Result>(
  send: (key: Key, items: readonly Item[]) => Promise<readonly Result[]>,
  maxBatch: number,
  hooks: MicroBatcherHooks = {},
): MicroBatcher<Key, Item, Result> {
  const calls = new Set<Promise<void>>();
  let groups = new Map<Key, Group<Item, Result>>();
  let flushScheduled = false;

  /** An async function, so that nothing `send` throws while building its call escapes a setImmediate. */
  const call = async (key: Key, items: readonly Item[]) => send(key, items);

  function run(key: Key, group: Group<Item, Result>): void {
    const size = group.items.length;
    hooks.batch?.(size);
    const done = call(key, group.items)
      .then(
        (results) => group.resolves.forEach((resolve, i) => resolve(results[i] as Result)),
        (err: unknown) => group.rejects.forEach((reject) => reject(err)),
      )
      .finally(() => {
        calls.delete(done);
        hooks.depth?.(-size);
      });
    calls.add(done);
  }

  function flush(): void {
    flushScheduled = false;
    const ready = groups;
    groups = new Map();
    for (const [key, group] of ready) run(key, group);
  }

  return {
    add(key, item) {
      return new Promise<Result>((resolve, reject) => {
        let group = groups.get(key);
        if (group === undefined) groups.set(key, (group = { items: [], resolves: [], rejects: [] }));
        group.items.push(item);
        group.resolves.push(resolve);
        group.rejects.push(reject);
        hooks.depth?.(1);
        if (group.items.length >= maxBatch) {
          groups.delete(key);
          run(key, group);
        } else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    async drain() {
      flush();
      await Promise.all(calls);
    },
  };
}
