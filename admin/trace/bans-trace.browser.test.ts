import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../config/campaign-schema.js';
import { repoPath } from '../../core/paths.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonsFromMask } from '../../core/scan/reasons.js';
import { decideScans, fixtureScan, newDeviceId, seedCampaignState } from '../../core/testing/decision-fixtures.js';
import { banTexts } from '../bans/bans-texts.js';
import { locales } from '../i18n/locale.js';
import { insertScanRow } from '../testing/scan-rows.js';
import { createAdminHarness, type AdminHarness } from '../testing/admin-harness.js';
import { traceTexts } from './trace-texts.js';
import { screenshots, serveToBrowser } from '../testing/browser.js';

const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));

let h: AdminHarness;
let browser: Browser;
let base: string;
let reviewer: string;

beforeAll(async () => {
  h = await createAdminHarness();
  h.now = Date.now();
  reviewer = await h.user('reviewer', 'rita');
  await seedCampaignState(h.stack.t.redis, h.stack.t.prefix, campaign.id, [h.batch.id]);
  ({ base, browser } = await serveToBrowser(h));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** One scan of `serial` by `deviceId`, decided by the real decision script over the harness's Redis, and its row in Postgres. */
async function scan(serial: number, deviceId: string) {
  const code = h.signer.sign(h.batch.id, serial);
  const [decision] = await decideScans(h.stack.t.redis, h.stack.t.prefix, campaign, [fixtureScan(campaign, { code, batchId: h.batch.id, serial }, { deviceId, receivedAt: h.now })], h.now);
  if (!decision) throw new Error('no decision');
  // what the ingest would write (not under test here)
  await insertScanRow(h.stack.pool, { campaignId: campaign.id, batchId: h.batch.id, eventId: decision.scanId, code, outcome: decision.outcome, at: new Date(h.now), deviceId, serial, reasonMask: decision.reasonMask, score: decision.score, tierId: decision.tierIndex >= 0 ? (campaign.tiers[decision.tierIndex]?.id ?? null) : null });
  return decision;
}

describe.each(locales)('bans and code trace in Chromium (%s)', (locale) => {
  it('a reviewer bans a device from the form, its next scan is blocked (banned), and the trace of a code shows it all', async () => {
    const serial = locale === 'en' ? 1 : 2;
    const device = newDeviceId();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));

    await page.goto(`${base}/bans`);
    await page.fill('input[name=username]', reviewer);
    await page.fill('input[name=password]', h.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/bans`);
    expect((await page.locator('h1').innerText()).trim()).toBe(banTexts[locale].title);

    const form = page.locator('form.create-ban');
    await form.locator('select[name=kind]').selectOption('device');
    await form.locator('input[name=value]').fill(device);
    await form.locator('input[name=reason]').fill('<img src=x onerror=alert(1)> phone farm');
    await form.locator('input[name=expires]').fill('2d');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(`${base}/bans`);
    await expect.poll(() => page.locator('table.bans tbody tr', { hasText: device }).count()).toBe(1);
    await page.screenshot({ path: `${screenshots}/bans-${locale}.png`, fullPage: true });

    const blocked = await scan(serial, device);
    expect(blocked?.outcome).toBe(Outcome.Blocked);
    expect(reasonsFromMask(blocked?.reasonMask ?? 0)).toEqual(['banned']);

    await page.goto(`${base}/trace`);
    expect((await page.locator('h1').innerText()).trim()).toBe(traceTexts[locale].title);
    await page.locator('input[name=code]').fill(`https://scan.example.com/S/${h.signer.sign(h.batch.id, serial).toLowerCase()}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/trace\?code=/);
    expect(await page.locator('.verdict-valid').innerText()).toBe(traceTexts[locale].verdicts.valid);
    expect(await page.locator('body').innerText()).toContain('<img src=x onerror=alert(1)> phone farm');
    await page.screenshot({ path: `${screenshots}/trace-${locale}.png`, fullPage: true });

    expect(problems).toEqual([]);
    await context.close();
  });
});
