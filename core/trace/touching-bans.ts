import type { Ban, BanDeps, BanRow } from '../bans/bans.js';
import { banColumns, toBan } from '../bans/bans.js';
import { normaliseBanValue, type BanKind } from '../bans/ban-subjects.js';
import { isScangateError } from '../errors.js';
import { clientNetwork } from '../net/ip-address.js';
import type { TracedScan } from './trace-rows.js';

export interface BanSubject {
  readonly kind: BanKind;
  readonly value: string;
}

/** One question to bansTouchingEach: the bans naming any of these subjects that reach `campaignId` (every scope when undefined). */
export interface BanQuestion {
  readonly subjects: readonly BanSubject[];
  readonly campaignId?: string | undefined;
}

/** Bans per subject and scope, newest first: listBans' default page, which these lists were first read with. */
const BANS_PER_SUBJECT = 100;

/** The subjects a ban could name for these scans (as the decision script matches them): each device, address and network, once. */
export function subjectsOfScans(scans: readonly TracedScan[], more: readonly BanSubject[] = []): BanSubject[] {
  const seen = new Map<string, BanSubject>();
  const add = (kind: BanKind, value: string) => seen.set(`${kind}:${value}`, { kind, value });
  for (const { kind, value } of more) add(kind, value);
  for (const scan of scans) {
    add('device', scan.deviceId);
    add('address', scan.ip);
    add('network', clientNetwork(scan.ip));
  }
  return [...seen.values()];
}

/** The value a ban of this subject would store, or undefined when no ban could name it (an address the ingest kept as is). */
function storedValue({ kind, value }: BanSubject): string | undefined {
  try {
    return normaliseBanValue(kind, value);
  } catch (err) {
    if (isScangateError(err, 'GW_ERR_BAN_INVALID')) return undefined;
    throw err;
  }
}

const newestFirst = (a: Ban, b: Ban) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;

/**
 * For each question, every ban (in force or not, unless `inForce`) that names one of its subjects
 * and reaches its campaign (its own and the everywhere ones), newest first. One query answers
 * every question: a review page asks one per held scan, and the same subject and campaign are
 * looked up once however many questions share them.
 */
export async function bansTouchingEach(deps: Pick<BanDeps, 'pool' | 'now'>, questions: readonly BanQuestion[], options: { inForce?: boolean } = {}): Promise<Ban[][]> {
  const lookups = new Map<string, { kind: BanKind; value: string; scope: string | null; questions: number[] }>();
  questions.forEach(({ subjects, campaignId }, question) => {
    for (const subject of subjects) {
      const value = storedValue(subject);
      if (value === undefined) continue;
      const scope = campaignId ?? null;
      const key = JSON.stringify([subject.kind, value, scope]);
      const lookup = lookups.get(key) ?? { kind: subject.kind, value, scope, questions: [] };
      lookup.questions.push(question);
      lookups.set(key, lookup);
    }
  });
  const answers = questions.map(() => new Map<number, Ban>());
  if (lookups.size === 0) return answers.map(() => []);
  const list = [...lookups.values()];
  const { rows } = await deps.pool.query<BanRow & { lookup: number }>({
    name: 'bans-touching',
    text: `SELECT t.lookup::int AS lookup, b.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(subject_kind, subject_value, scope, lookup)
     CROSS JOIN LATERAL (
       SELECT ${banColumns} FROM bans
       WHERE kind = t.subject_kind AND value = t.subject_value
         AND (t.scope IS NULL OR campaign_id = t.scope OR campaign_id IS NULL)
         AND (NOT $4 OR (lifted_at IS NULL AND expires_at > to_timestamp($5::float8 / 1000)))
       ORDER BY created_at DESC, id DESC LIMIT $6) b`,
    values: [list.map((l) => l.kind), list.map((l) => l.value), list.map((l) => l.scope), options.inForce ?? false, (deps.now ?? Date.now)(), BANS_PER_SUBJECT],
  });
  for (const row of rows) {
    const ban = toBan(row);
    for (const question of list[row.lookup - 1]?.questions ?? []) answers[question]?.set(ban.id, ban);
  }
  return answers.map((byId) => [...byId.values()].sort(newestFirst));
}

/**
 * Every ban (in force or not, unless `inForce`) that names one of these subjects and reaches
 * `campaignId` (its own and the everywhere ones; every scope when undefined). Newest first.
 */
export async function bansTouching(deps: Pick<BanDeps, 'pool' | 'now'>, subjects: readonly BanSubject[], campaignId?: string, options: { inForce?: boolean } = {}): Promise<Ban[]> {
  const [bans] = await bansTouchingEach(deps, [{ subjects, campaignId }], options);
  return bans ?? [];
}
