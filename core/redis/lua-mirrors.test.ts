import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../paths.js';
import { counterRuleNames } from '../scan/counter-rules.js';
import { Outcome, outcomeNames } from '../scan/outcomes.js';
import { reasonBits } from '../scan/reasons.js';
import { campaignKeys } from './keys.js';
import { DECISION_FIELDS, redeemBatchKeys, SCAN_FIELDS } from './redeem-batch.js';
import { ScriptCode } from './script-codes.js';
import { loadScriptSources } from './scripts.js';
import { SETTLED, settleReviewKeys } from './settle-review.js';

/** The constants the Lua commands and TypeScript both write down must agree (BullMQ's habit). */
const commands = new Map(loadScriptSources().map((source) => [source.name, source]));
const redeemBatch = commands.get('redeemBatch')?.lua ?? '';
const luaFile = (name: string) => readFileSync(repoPath('core/redis/commands', name), 'utf8');

/** `local NAME = <integer>` declarations of a Lua source. */
function luaConstants(lua: string): Map<string, number> {
  return new Map([...lua.matchAll(/^local ([A-Z_]+) = (-?\d+)\s*$/gm)].map(([, name, value]) => [name as string, Number(value)]));
}

describe('constants mirrored between Lua and TypeScript', () => {
  it('outcome numbers: every OUTCOME_* in Lua is the Outcome of the same name, and every decided outcome has one', () => {
    const lua = [...luaConstants(luaFile('includes/outcomes.lua'))];
    const fromTs = Object.values(Outcome)
      .filter((value): value is Outcome => typeof value === 'number' && value !== Outcome.Invalid)
      .map((outcome) => [`OUTCOME_${outcomeNames[outcome].toUpperCase()}`, outcome]);
    expect(lua.sort()).toEqual(fromTs.sort());
  });

  it('field counts: values per scan, values per decision, and the number of KEYS', () => {
    expect(luaConstants(luaFile('includes/checkScans.lua')).get('SCAN_FIELDS')).toBe(SCAN_FIELDS);
    const resultSlots = [...redeemBatch.matchAll(/results\[n \+ (\d+)\]/g)].map(([, slot]) => Number(slot));
    expect(Math.max(...resultSlots)).toBe(DECISION_FIELDS);
    expect(new Set(resultSlots).size).toBe(DECISION_FIELDS);
    const keys = redeemBatchKeys(campaignKeys('sg:', 'c'), { minute: 1, hour: 1, day: '20260310', serialWindow: 1 });
    expect(keys).toHaveLength(commands.get('redeemBatch')?.numberOfKeys ?? 0);
  });

  it('return codes: EPOCH_MISSING is ScriptCode.EpochMissing', () => {
    expect(luaConstants(redeemBatch).get('EPOCH_MISSING')).toBe(ScriptCode.EpochMissing);
  });

  it('settleReview: its return codes are ScriptCode / SETTLED, its KEYS count is settleReviewKeys', () => {
    const settle = luaConstants(commands.get('settleReview')?.lua ?? '');
    expect(Object.fromEntries(settle)).toMatchObject({
      SETTLED,
      EPOCH_MISSING: ScriptCode.EpochMissing,
      CODE_NOT_CONSUMED: ScriptCode.CodeNotConsumed,
      DECISION_REPLACED: ScriptCode.DecisionReplaced,
      ALREADY_SETTLED: ScriptCode.AlreadySettled,
      NOT_HELD: ScriptCode.NotHeld,
    });
    expect(settleReviewKeys(campaignKeys('sg:', 'c'))).toHaveLength(commands.get('settleReview')?.numberOfKeys ?? 0);
  });

  it('reason bits: REASON_BANNED is the banned reason bit', () => {
    expect(luaConstants(redeemBatch).get('REASON_BANNED')).toBe(reasonBits.banned);
  });

  it('reason bits: the counter rules the script reads are the counter rules, each a reason code', () => {
    const read = new Set([...redeemBatch.matchAll(/rules\.([a-z_]+)/g)].map(([, rule]) => rule));
    expect([...read].sort()).toEqual([...counterRuleNames].sort());
    for (const rule of read) expect(Object.keys(reasonBits)).toContain(rule);
  });
});
