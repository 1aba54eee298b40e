import { afterAll, describe, expect, it } from 'vitest';
import { parseCampaign } from '../../config/campaign-schema.js';
import { drawTier } from '../../workers/draw.js';
import { compiledPath } from '../../core/testing/compiled.js';
import { createAssessor, type ScanToAssess } from './assessor.js';
import { maskFromReasons } from '../../core/scan/reasons.js';

const campaignFile = {
  id: 'assess-test',
  name: 'assessor test',
  window: { startsAt: '2026-01-01T00:00:00+08:00', endsAt: '2027-01-01T00:00:00+08:00', timeZone: 'Asia/Shanghai' },
  tiers: [
    { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 3, weight: 5 },
    { id: 'coupon', kind: 'coupon', value: 5, unit: 'CNY', inventory: 2000, weight: 30 },
    { id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 100000, weight: 0 },
  ],
  noPrizeWeight: 65,
  limits: { perConsumerPerDay: 5, perConsumerPerCampaign: 50 },
  fraud: { holdAt: 50, blockAt: 80 },
  regions: [
    { code: 'CN', bbox: [73.5, 18.1, 134.8, 53.6] },
    { code: 'CN-SH', bbox: [120.85, 30.67, 122.2, 31.88] },
    { code: 'CN-BJ', bbox: [115.42, 39.44, 117.51, 41.06] },
  ],
  allowedRegions: ['CN'],
};
const campaign = parseCampaign(campaignFile);
/** The next version of the same campaign: other weights, so its draws differ. */
const nextVersion = parseCampaign({ ...campaignFile, noPrizeWeight: 10, tiers: campaignFile.tiers.map((tier) => ({ ...tier, weight: 20 })) });
const drawKey = Buffer.alloc(32, 0x5a);
const drawKeyFor = () => drawKey;

const agents = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36',
  'curl/8.5.0',
  '',
];
const places = [undefined, { lat: 31.23, lon: 121.47 }, { lat: 39.9, lon: 116.4 }, { lat: 48.85, lon: 2.35 }];
const batchRegions = ['CN-SH', null, 'CN-BJ'];

function scan(i: number): ScanToAssess {
  return {
    request: {
      code: `1A${String(i).padStart(12, '0')}ABCDEFGHJKMNPQRS`,
      campaignId: campaign.id,
      batchId: 1,
      serial: i,
      deviceId: `device-${i % 7}`,
      newDevice: i % 3 === 0,
      ip: '203.0.113.9',
      userAgent: agents[i % agents.length] as string,
      ...places[i % places.length],
      forgedAttempts: i % 5,
      receivedAt: 1_767_225_600_000 + i,
    },
    batchRegion: batchRegions[i % batchRegions.length] ?? null,
    honeypot: i % 50 === 7,
  };
}

const scans = Array.from({ length: 300 }, (_, i) => scan(i));
/** Uneven batches sent together, so every thread meets each campaign version cold. */
const batchSizes = [1, 16, 64, 219];
const batches = batchSizes.map((size, i) => scans.slice(batchSizes.slice(0, i).reduce((a, b) => a + b, 0)).slice(0, size));

const inline = createAssessor({ workers: { mode: 'inline', threads: 1 } }, drawKeyFor);
// The pool runs the compiled worker: build it first when a source is newer than dist/.
compiledPath('workers/assess-batch.js');
const pool = createAssessor({ workers: { mode: 'pool', threads: 2 } }, drawKeyFor);
afterAll(() => Promise.all([inline.close(), pool.close()]));

describe('assessor', () => {
  it('draws with the campaign key and reports region, agent class and reasons', async () => {
    const [desktop, honeypot] = await inline.assess(campaign, [scan(1), scan(7)]);
    expect(desktop).toEqual({
      score: 20,
      reasonMask: maskFromReasons(['non_mobile_agent']),
      tierIndex: drawTier(drawKey, scan(1).request.code, [5, 30, 0, 65]),
      region: 'CN-SH',
      uaClass: 'desktop',
    });
    // scan(7): a honeypot, opened by headless Chrome in Paris, outside the allowed regions
    expect(honeypot).toMatchObject({
      score: 100,
      reasonMask: maskFromReasons(['honeypot', 'region_not_allowed', 'non_mobile_agent', 'headless_agent']),
      region: null,
      uaClass: 'headless',
    });
  });

  it('gives identical answers inline and in the pool, across campaign versions', async () => {
    for (const version of [campaign, nextVersion, campaign]) {
      const fromInline = await Promise.all(batches.map((batch) => inline.assess(version, batch)));
      const fromPool = await Promise.all(batches.map((batch) => pool.assess(version, batch)));
      expect(fromPool).toEqual(fromInline);
      expect(fromPool.flat()).toHaveLength(scans.length);
    }
    const drawsOf = async (version: typeof campaign) => (await pool.assess(version, scans)).map((a) => a.tierIndex);
    expect(await drawsOf(nextVersion)).not.toEqual(await drawsOf(campaign));
  });

  it('answers an empty batch without a task', async () => {
    expect(await pool.assess(campaign, [])).toEqual([]);
  });
});
