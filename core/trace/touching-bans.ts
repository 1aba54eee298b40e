import type { Ban, BanDeps } from '../bans/bans.js';
import { listBans } from '../bans/bans.js';
import type { BanKind } from '../bans/ban-subjects.js';
import { isScangateError } from '../errors.js';
import { clientNetwork } from '../net/ip-address.js';
import type { TracedScan } from './trace-rows.js';

export interface BanSubject {
  readonly kind: BanKind;
  readonly value: string;
}

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

/**
 * Every ban (in force or not, unless `inForce`) that names one of these subjects and reaches
 * `campaignId` (its own and the everywhere ones; every scope when undefined). Newest first.
 */
export async function bansTouching(
  deps: Pick<BanDeps, 'pool' | 'now'>,
  subjects: readonly BanSubject[],
  campaignId?: string,
  options: { inForce?: boolean } = {},
): Promise<Ban[]> {
  const lists = await Promise.all(
    subjects.map((subject) =>
      listBans(deps, { ...subject, ...(campaignId === undefined ? {} : { campaignId }), inForce: options.inForce ?? false }).catch((err: unknown) => {
        // a stored value no ban could name (an address the ingest kept as is) is banned by nothing
        if (isScangateError(err, 'GW_ERR_BAN_INVALID')) return [];
        throw err;
      }),
    ),
  );
  const byId = new Map(lists.flat().map((ban) => [ban.id, ban]));
  return [...byId.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
}
