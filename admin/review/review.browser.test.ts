import { unpack } from 'msgpackr';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { createBatch } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { codeSource, decisionCampaign, fixtureScan, seedCampaignState, type FixtureCode } from '../../core/testing/decision-fixtures.js';
import { locales } from '../i18n/locale.js';
import { createAdminHarness, type AdminHarness } from '../testing/admin-harness.js';
import { decideAndRecord } from '../testing/held-scans.js';
import { reviewTexts } from './review-texts.js';
import { screenshots, serveToBrowser } from '../testing/browser.js';

const hour = 3_600_000;

let h: AdminHarness;
let browser: Browser;
let base: string;
let reviewer: string;
let campaign: Campaign;
let nextCode: () => FixtureCode;

beforeAll(async () => {
  h = await createAdminHarness();
  campaign = decisionCampaign('rq-browser');
  await applyCampaign(h.stack.pool, campaign, 'test');
  const batch = await createBatch(h.stack.pool, { campaignId: campaign.id, printedCount: 1000, name: 'rqb-sh', region: 'CN-SH' });
  await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaign.id, [batch.id]);
  nextCode = codeSource(batch.id);
  reviewer = await h.user('reviewer', 'wang.fang');
  ({ base, browser } = await serveToBrowser(h));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

let rounds = 0;

/** Three held scans, the first with a hostile User-Agent, older than any earlier round's (so first in the queue). */
async function holdThree(): Promise<{ code: string; scanId: string }[]> {
  const held = [];
  const offset = 3 * ++rounds;
  for (const [i, userAgent] of ['<img src=x onerror=alert(1)>', 'Mozilla/5.0 (Linux; Android 14)', null].entries()) {
    const code = nextCode();
    const scan = fixtureScan(campaign, code, {}, { score: 60 + i, reasonMask: reasonBits.new_device_top_prize });
    const [decision] = await decideAndRecord(h.stack.t.redis, h.stack.t.prefix, h.stack.pool, campaign, [scan], h.now - (offset - i) * hour, userAgent);
    expect(decision?.outcome).toBe(Outcome.Held);
    held.push({ code: code.code, scanId: decision?.scanId as string });
  }
  return held;
}

const settledAs = async (code: string) => {
  const record = await h.stack.t.redis.hgetBuffer(campaignKeys(h.stack.t.prefix, campaign.id).codes, code);
  return record ? ((unpack(record) as { rv?: string }).rv ?? null) : null;
};

describe.each(locales)('review queue in Chromium (%s)', (locale) => {
  it('reviews a held scan from the keyboard, then bulk-rejects from a CSV file', async () => {
    const [first, second, third] = (await holdThree()) as [{ code: string; scanId: string }, { code: string; scanId: string }, { code: string; scanId: string }];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));

    await page.goto(`${base}/login?next=%2Freview%3Fcampaign%3D${campaign.id}`);
    await page.fill('input[name="username"]', reviewer);
    await page.fill('input[name="password"]', h.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/review?campaign=${campaign.id}`);
    expect((await page.locator('h1').innerText()).trim()).toBe(reviewTexts[locale].title);
    expect(await page.locator('body').innerText()).toContain('<img src=x onerror=alert(1)>');
    await page.screenshot({ path: `${screenshots}/review-${locale}.png`, fullPage: true });

    // j focuses the oldest scan, n its note, Escape back to the scan, a approves it
    await page.keyboard.press('j');
    expect(await page.evaluate('document.activeElement?.id')).toBe(`scan-${first.scanId}`);
    await page.keyboard.press('n');
    await page.keyboard.type('receipt checked by phone');
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.waitForLoadState('load');
    await expect.poll(() => settledAs(first.code)).toBe('approved');
    await expect.poll(() => page.locator('li.held').count()).toBe(3 * rounds); // Postgres shows it until the ingest writes the review
    const events = await h.stack.t.redis.xrange(campaignKeys(h.stack.t.prefix, campaign.id).events, '-', '+');
    expect(events.some(([, fields]) => fields.join(' ').includes('receipt checked by phone'))).toBe(true);

    // bulk: a CSV file chosen in the upload form
    await page.setInputFiles('input.csv-file', { name: 'reject.csv', mimeType: 'text/csv', buffer: Buffer.from(`scanId,decision,note\n${second.scanId},reject,bulk\n${third.scanId},reject\n${first.scanId},reject\n`) });
    await expect.poll(() => page.inputValue('textarea[name="csv"]')).toContain(second.scanId);
    await page.click('form.bulk-upload button[type="submit"]');
    await page.waitForSelector('table.report');
    const statuses = await page.locator('table.report tbody tr').evaluateAll((rows) => rows.map((row) => row.className));
    expect(statuses).toEqual(['status-settled', 'status-settled', 'status-already_settled']);
    expect(await settledAs(second.code)).toBe('rejected');
    expect(await settledAs(third.code)).toBe('rejected');
    await page.screenshot({ path: `${screenshots}/review-report-${locale}.png`, fullPage: true });

    expect(problems).toEqual([]);
    await context.close();
  });
});
