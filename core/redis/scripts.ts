import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ScangateError } from '../errors.js';
import { repoPath } from '../paths.js';
import type { ScanDecision } from '../scan/types.js';
import { decisionAt, DECISION_FIELDS } from './redeem-batch.js';
import { errorForScriptCode, errorForScriptFailure, errorForSettleCode } from './script-codes.js';
import { SETTLED, settleReviewArgs, type SettleReviewCall } from './settle-review.js';

/**
 * The Lua commands in core/redis/commands, BullMQ style: one operation per file named
 * `<name>-<numberOfKeys>.lua`, shared helpers in includes/ pulled in by a line
 * `--- @include "<helper>"` (each helper once per script). Files are read from the source tree,
 * so the same code runs from sources and from dist/.
 */
export interface ScriptSource {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

export type ScriptArg = string | Buffer | number;

/** One redeemBatch-17.lua call: KEYS from redeemBatchKeys, then ARGV[1..3] as its contract says. */
export interface RedeemBatchCall {
  readonly keys: readonly string[];
  /** ARGV[1], packedCampaignParams */
  readonly params: Buffer;
  /** ARGV[2], ms since the epoch */
  readonly now: number;
  /** ARGV[3], msgpack of the flat scans array (appendScan) */
  readonly scans: Buffer;
}

/**
 * Every Lua command, typed. Each rejects only with a ScangateError: a script's return code or
 * error reply and a Redis failure become typed errors here and nowhere else. NOSCRIPT is
 * handled by ioredis's defineCommand (EVALSHA, then EVAL).
 */
export interface ScriptCommands {
  /** The decisions on the call's scans, in order; GW_ERR_CAMPAIGN_RECOVERING when the epoch is missing. */
  redeemBatch(call: RedeemBatchCall): Promise<ScanDecision[]>;
  /** extendLock-1.lua: true when `token` still held `lock` and its ttl was renewed. */
  extendLock(lock: string, token: string, ttlMs: number): Promise<boolean>;
  /** releaseLock-1.lua: true when `token` held `lock` and it was deleted. */
  releaseLock(lock: string, token: string): Promise<boolean>;
  /** completeRebuild-2.lua: sets the epoch and releases the lock, only while `token` holds it. */
  completeRebuild(lock: string, epochKey: string, token: string, epoch: string): Promise<boolean>;
  /** markUndelivered-1.lua: marks the answer of `scanId` on `code` lost until `deadlineMs`; its return code (undelivered-answers.ts). */
  markUndelivered(codesKey: string, mark: { code: string; scanId: string; network: string; uaClass: string; deadlineMs: number }): Promise<number>;
  /**
   * settleReview-5.lua: approves or rejects a held scan. Rejects with GW_ERR_NOT_HELD,
   * GW_ERR_ALREADY_SETTLED or GW_ERR_CAMPAIGN_RECOVERING as the script answers.
   */
  settleReview(call: SettleReviewCall): Promise<void>;
}

export interface Scripts extends ScriptCommands {
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

const commandsByClient = new WeakMap<Redis, ScriptCommands>();

function defineScripts(redis: Redis): Map<string, ScriptSource> {
  sources ??= loadScriptSources();
  const byName = new Map<string, ScriptSource>();
  for (const source of sources) {
    redis.defineCommand(source.name, { numberOfKeys: source.numberOfKeys, lua: source.lua });
    byName.set(source.name, source);
  }
  return byName;
}

/** The typed commands on `redis`, defined once per client. */
export function scriptCommands(redis: Redis): ScriptCommands {
  const known = commandsByClient.get(redis);
  if (known !== undefined) return known;
  const byName = defineScripts(redis);
  const raw = redis as unknown as Record<string, ScriptCommand>;
  const run = async (name: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> => {
    const source = byName.get(name);
    if (source === undefined || keys.length !== source.numberOfKeys)
      throw new ScangateError('GW_ERR_INTERNAL', `script ${name} takes ${source?.numberOfKeys ?? 0} keys, got ${keys.length}`);
    try {
      return await (raw[name] as ScriptCommand).call(redis, ...keys, ...args);
    } catch (err) {
      throw errorForScriptFailure(err);
    }
  };
  const commands: ScriptCommands = {
    async redeemBatch({ keys, params, now, scans }) {
      const reply = await run('redeemBatch', keys, [params, now, scans]);
      if (!Array.isArray(reply)) throw errorForScriptCode(Number(reply));
      return Array.from({ length: reply.length / DECISION_FIELDS }, (_, i) => decisionAt(reply, i));
    },
    extendLock: async (lock, token, ttlMs) => (await run('extendLock', [lock], [token, ttlMs])) === 1,
    releaseLock: async (lock, token) => (await run('releaseLock', [lock], [token])) === 1,
    completeRebuild: async (lock, epochKey, token, epoch) => (await run('completeRebuild', [lock, epochKey], [token, epoch])) === 1,
    markUndelivered: async (codesKey, { code, scanId, network, uaClass, deadlineMs }) =>
      Number(await run('markUndelivered', [codesKey], [code, scanId, network, uaClass, deadlineMs])),
    async settleReview(call) {
      const reply = Number(await run('settleReview', call.keys, settleReviewArgs(call)));
      if (reply !== SETTLED) throw errorForSettleCode(reply);
    },
  };
  commandsByClient.set(redis, commands);
  return commands;
}

/**
 * The commands, plus loading every script into the server's script cache whenever the
 * connection becomes ready (after a restart the cache is empty), for readiness.
 */
export function registerScripts(redis: Redis): Scripts {
  const commands = scriptCommands(redis);
  let loaded = false;
  const load = () => {
    Promise.all((sources ?? []).map((source) => redis.script('LOAD', source.lua))).then(
      () => (loaded = redis.status === 'ready'),
      () => (loaded = false),
    );
  };
  const unload = () => (loaded = false);
  redis.on('ready', load);
  redis.on('close', unload);
  if (redis.status === 'ready') load();

  return {
    ...commands,
    loaded: () => loaded,
    close() {
      redis.off('ready', load);
      redis.off('close', unload);
    },
  };
}
