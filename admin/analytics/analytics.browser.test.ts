import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidAttemptFlushSeconds } from '../../core/analytics/invalid-attempts.js';
import { rebuildRollups } from '../../core/analytics/rebuild-rollups.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { createBatch, setBatchStatus } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { codeSource, decisionCampaign, fixtureScan, seedCampaignState } from '../../core/testing/decision-fixtures.js';
import { locales } from '../i18n/locale.js';
import { createAdminHarness, type AdminHarness } from '../testing/admin-harness.js';
import { screenshots, serveToBrowser } from '../testing/browser.js';
import { decideAndRecord } from '../testing/held-scans.js';
import { analyticsTexts } from './analytics-texts.js';

const hour = 3_600_000;

let h: AdminHarness;
let browser: Browser;
let base: string;
let viewer: string;
const campaignId = 'an-browser';

/** A few days of scans over two batches and regions, some held and blocked, as the ingest would leave them. */
async function seed(): Promise<void> {
  const campaign = decisionCampaign(campaignId, { window: { startsAt: '2026-02-20T00:00:00Z', endsAt: '2026-04-30T00:00:00Z', timeZone: 'Asia/Shanghai' } });
  await applyCampaign(h.stack.pool, campaign, 'test');
  const batches = [
    await createBatch(h.stack.pool, { campaignId, printedCount: 400, name: 'sh-2026-03', region: 'CN-SH' }),
    await createBatch(h.stack.pool, { campaignId, printedCount: 300, name: 'bj-2026-03', region: 'CN-BJ' }),
  ];
  for (const batch of batches) await setBatchStatus(h.stack.pool, batch.id, true, { client: h.stack.t.redis, prefix: h.stack.t.prefix }, 'test');
  await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaignId, batches.map((b) => b.id));
  const codes = batches.map((batch) => codeSource(batch.id));
  for (let i = 0; i < 90; i++) {
    const shipped = i % 3 === 0 ? 1 : 0;
    const code = (codes[shipped] as () => ReturnType<ReturnType<typeof codeSource>>)();
    const region = i % 7 === 0 ? (shipped ? 'CN-SH' : 'CN-BJ') : shipped ? 'CN-BJ' : 'CN-SH';
    const risky = i % 11 === 0 ? { score: 60, reasonMask: reasonBits.new_device_top_prize } : i % 13 === 0 ? { score: 90, reasonMask: reasonBits.ip_device_farm } : {};
    const scan = fixtureScan(campaign, code, { ip: `198.51.100.${i % 40}` }, { tierIndex: i % 4 === 0 ? 0 : i % 2 === 0 ? 1 : -1, region, ...risky });
    await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [scan], h.now - (i % 9) * 16 * hour - (i % 5) * hour);
  }
  await rebuildRollups(h.stack.pool, campaignId);
  // the gateways' invalid-code counters (UTC hour start in seconds → attempts): 3 + 6 + ... + 27 = 135 over the last days
  const invalid = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(Math.floor((h.now - i * 16 * hour) / hour) * 3600), String(3 * (i + 1))]));
  await h.stack.t.redis.hset(campaignKeys(h.stack.t.prefix, campaignId).invalidAttempts, invalid);
}

beforeAll(async () => {
  h = await createAdminHarness();
  viewer = await h.user('viewer', 'zhao.lei');
  await seed();
  ({ base, browser } = await serveToBrowser(h));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.each(locales)('analytics in Chromium (%s)', (locale) => {
  it('draws every chart, switches the range, and downloads a CSV', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, acceptDownloads: true });
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`));
    page.on('request', (request) => !request.url().startsWith(base) && problems.push(`external: ${request.url()}`));

    await page.goto(`${base}/login?next=${encodeURIComponent(`/analytics?campaign=${campaignId}`)}`);
    await page.fill('input[name="username"]', viewer);
    await page.fill('input[name="password"]', h.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/analytics?campaign=${campaignId}`);
    const texts = analyticsTexts[locale];
    expect((await page.locator('h1').innerText()).trim()).toBe(texts.title);

    const charts = page.locator('[data-chart]');
    expect(await charts.count()).toBe(8);
    for (const chart of await charts.all()) await expect.poll(() => chart.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // drawn charts fold their tables; the tables are still in the page
    expect(await page.locator('section.panel-outcomes details.table').getAttribute('open')).toBeNull();
    expect(await page.locator('section.panel-reviews table').isVisible()).toBe(true);
    expect(await page.locator('[data-kpi="scans"] .kpi-value').innerText()).toBe('90');
    expect(await page.locator('[data-kpi="invalidAttempts"] .kpi-value').innerText()).toBe('135');
    expect(await page.locator('[data-kpi="invalidAttempts"] .kpi-source').innerText()).toBe(texts.invalidSource(invalidAttemptFlushSeconds));
    await page.screenshot({ path: `${screenshots}/analytics-${locale}.png`, fullPage: true });

    // a one-day range: the series goes hourly
    await page.fill('input[name="from"]', '2026-03-10');
    await page.fill('input[name="to"]', '2026-03-10');
    await page.locator('form.analytics-pickers button[type="submit"]').click();
    await page.waitForURL(/from=2026-03-10&to=2026-03-10/);
    await expect.poll(() => page.locator('[data-chart="outcomes"] canvas').count()).toBeGreaterThan(0);
    const oneDay = Number((await page.locator('[data-kpi="scans"] .kpi-value').innerText()).replace(/\D/g, ''));
    expect(oneDay).toBeGreaterThan(0);
    expect(oneDay).toBeLessThan(90);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#batches a.csv').click()]);
    expect(download.suggestedFilename()).toBe(`scangate-${campaignId}-batches-2026-03-10_2026-03-10.csv`);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv).toContain('sh-2026-03');
    expect(csv).toContain('bj-2026-03');

    expect(problems).toEqual([]);
    await context.close();
  });
});
