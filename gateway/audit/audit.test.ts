import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { Outcome, outcomeNames } from '../../core/scan/outcomes.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { appendScanEvents, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';
import { auditCampaign } from './audit-campaign.js';
import type { AuditReport } from './audit-report.js';

const inventory = { gold: 10, silver: 100 };

/** Decisions as the decision script makes them: the event, plus its counters in the same step. */
async function decide(h: IngestHarness, campaignId: string, events: EventMap[]): Promise<void> {
  const keys = campaignKeys(h.t.prefix, campaignId);
  const counters = h.t.redis.multi();
  for (const event of events) {
    counters.hincrby(keys.outcomes, outcomeNames[event.o as Outcome], 1);
    if (event.rp === 1 || (event.o !== Outcome.Won && event.o !== Outcome.Held)) continue;
    counters.hincrby(keys.issued, event.t as string, 1);
    if (event.o === Outcome.Held) counters.hincrby(keys.held, event.t as string, 1);
  }
  await counters.exec();
  await appendScanEvents(h.t.redis, keys.events, events);
}

function campaignEvents(): EventMap[] {
  return [
    ...Array.from({ length: 6 }, (_, i) => scanEventMap(i, { o: Outcome.Won, t: 'gold' })),
    ...Array.from({ length: 3 }, (_, i) => scanEventMap(100 + i, { o: Outcome.Held, t: 'silver', sc: 70 })),
    ...Array.from({ length: 5 }, (_, i) => scanEventMap(200 + i, { o: Outcome.NoPrize, t: '' })),
    scanEventMap(0, { o: Outcome.Won, t: 'gold', rp: 1, first: '1700000000000-0' }),
    scanEventMap(300, { o: Outcome.AlreadyRedeemed, t: '', first: '1700000000000-0' }),
    scanEventMap(301, { o: Outcome.Blocked, t: '', sc: 99 }),
  ];
}

function check(report: AuditReport, name: string) {
  return report.checks.find((c) => c.name === name);
}

describe('scangate audit', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await createIngestHarness();
  });
  afterEach(() => h.stopConsumers());
  afterAll(() => h.close());

  const audit = (campaignId: string) => auditCampaign({ pool: h.pool, redis: h.t.redis, keyPrefix: h.t.prefix, campaignId, inventory });

  it('is ok on a clean, drained campaign', async () => {
    await decide(h, 'clean', campaignEvents());
    h.consumer().start();
    await h.waitUntilDrained();
    const report = await audit('clean');
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(check(report, 'outcome_counts')?.counts).toEqual({ won: 7, held: 3, no_prize: 5, already_redeemed: 1, blocked: 1 });
    expect(check(report, 'issued_within_inventory')?.tiers).toEqual([
      { tier: 'gold', issued: 6, inventory: 10 },
      { tier: 'silver', issued: 3, inventory: 100 },
    ]);
    expect(check(report, 'codes_consumed_once')).toMatchObject({ ok: true, consumingEvents: 14, consumedCodes: 14, redemptions: 14 });
    expect(check(report, 'redis_matches_postgres')).toMatchObject({ ok: true, mismatches: [] });
  });

  it('fails when a Redis counter disagrees with Postgres', async () => {
    await h.t.redis.hincrby(campaignKeys(h.t.prefix, 'clean').issued, 'gold', 1);
    const report = await audit('clean');
    expect(report.ok).toBe(false);
    expect(check(report, 'redis_matches_postgres')).toMatchObject({ ok: false, mismatches: [{ counter: 'issued', key: 'gold', redis: 7, postgres: 6 }] });
  });

  it('fails when prizes exceed inventory or a code was consumed twice', async () => {
    const events = campaignEvents();
    const twice = scanEventMap(5, { o: Outcome.Won, t: 'gold', code: events[5]?.code });
    const extra = Array.from({ length: 5 }, (_, i) => scanEventMap(400 + i, { o: Outcome.Won, t: 'gold' }));
    await decide(h, 'corrupt', [...events, twice, ...extra]);
    h.consumer().start();
    await h.waitUntilDrained();
    const report = await audit('corrupt');
    expect(report.ok).toBe(false);
    expect(check(report, 'issued_within_inventory')).toMatchObject({ ok: false, tiers: [{ tier: 'gold', issued: 11, inventory: 10 }, { tier: 'silver' }] });
    // the redemptions table kept one row for the code; the events show it was consumed twice
    expect(check(report, 'codes_consumed_once')).toMatchObject({ ok: false, consumingEvents: 20, consumedCodes: 19, redemptions: 19 });
    expect(check(report, 'one_redemption_per_code')).toMatchObject({ ok: true, codesRedeemedTwice: 0 });
  });

  it('reports "not drained" instead of comparing while the ingest is behind, and counts dead letters', async () => {
    const keys = campaignKeys(h.t.prefix, 'behind');
    await decide(h, 'behind', campaignEvents());
    await h.t.redis.xadd(keys.events, '*', 'd', Buffer.from([0xc1]));
    h.consumer().start();
    await h.waitUntilDrained();
    await h.stopConsumers(); // the ingest falls behind: nothing reads the next decision
    await decide(h, 'behind', [scanEventMap(999)]);
    await h.t.redis.xgroup('CREATECONSUMER', keys.events, 'ingest', 'idle');
    const report = await audit('behind');
    expect(report.ok).toBe(false);
    expect(check(report, 'no_dead_letters')).toMatchObject({ ok: false, deadLetters: 1 });
    expect(report.checks.map((c) => c.name)).not.toContain('redis_matches_postgres');
  });
});
