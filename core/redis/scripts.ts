import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ScangateError } from '../errors.js';
import { repoPath } from '../paths.js';

/**
 * The Lua commands in gateway/redis/commands, BullMQ style: one operation per file named
 * `<name>-<numberOfKeys>.lua`, shared helpers in includes/ pulled in by a line
 * `--- @include "<helper>"` (each helper once per script). Files are read from the source tree,
 * so the same code runs from sources and from dist/.
 */
export interface ScriptSource {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

export type ScriptName = 'redeemBatch';

export type ScriptArg = string | Buffer | number;

export interface Scripts {
  /** Runs a script; ioredis sends EVALSHA and falls back to EVAL when Redis answers NOSCRIPT. */
  run(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
  /** SCRIPT LOAD succeeded on the current connection (a readiness signal; NOSCRIPT is handled anyway). */
  loaded(): boolean;
  /** Stops reloading on reconnects. */
  close(): void;
}

const fileName = /^([a-z][A-Za-z0-9]*)-(\d+)\.lua$/;
const includeLine = /^---[ \t]*@include[ \t]+"([A-Za-z0-9_-]+)"[ \t]*$/gm;

function inlineIncludes(lua: string, includesDir: string, included: Set<string>, chain: readonly string[]): string {
  return lua.replace(includeLine, (_line, name: string) => {
    if (chain.includes(name)) throw new ScangateError('GW_ERR_INTERNAL', `Lua include cycle: ${[...chain, name].join(' -> ')}`);
    if (included.has(name)) return '';
    included.add(name);
    const source = readFileSync(path.join(includesDir, `${name}.lua`), 'utf8');
    return inlineIncludes(source, includesDir, included, [...chain, name]).trimEnd();
  });
}

/** Reads every `<name>-<keys>.lua` in `dir`, includes inlined. */
export function loadScriptSources(dir = repoPath('core/redis/commands')): ScriptSource[] {
  const includesDir = path.join(dir, 'includes');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => {
      const match = fileName.exec(file);
      if (!match) throw new ScangateError('GW_ERR_INTERNAL', `Lua command ${file} is not named <name>-<numberOfKeys>.lua`);
      const lua = inlineIncludes(readFileSync(path.join(dir, file), 'utf8'), includesDir, new Set(), []);
      return { name: match[1] as string, numberOfKeys: Number(match[2]), lua };
    });
}

let sources: ScriptSource[] | undefined;

type ScriptCommand = (...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/**
 * Registers every script on `redis` with defineCommand and loads them into the server's script
 * cache whenever the connection becomes ready (after a restart the cache is empty).
 */
export function registerScripts(redis: Redis): Scripts {
  sources ??= loadScriptSources();
  const byName = new Map<string, ScriptSource>();
  for (const source of sources) {
    redis.defineCommand(source.name, { numberOfKeys: source.numberOfKeys, lua: source.lua });
    byName.set(source.name, source);
  }
  const commands = redis as unknown as Record<string, ScriptCommand>;
  let loaded = false;
  const load = () => {
    Promise.all([...byName.values()].map((source) => redis.script('LOAD', source.lua))).then(
      () => (loaded = redis.status === 'ready'),
      () => (loaded = false),
    );
  };
  const unload = () => (loaded = false);
  redis.on('ready', load);
  redis.on('close', unload);
  if (redis.status === 'ready') load();

  return {
    run(name, keys, args) {
      const source = byName.get(name);
      if (source === undefined || keys.length !== source.numberOfKeys)
        return Promise.reject(new ScangateError('GW_ERR_INTERNAL', `script ${name} takes ${source?.numberOfKeys ?? 0} keys, got ${keys.length}`));
      return (commands[name] as ScriptCommand).call(redis, ...keys, ...args);
    },
    loaded: () => loaded,
    close() {
      redis.off('ready', load);
      redis.off('close', unload);
    },
  };
}
