import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTexts } from './audit/audit-page.js';
import { locales } from './i18n/locale.js';
import { createAdminHarness, type AdminHarness } from './testing/admin-harness.js';
import { screenshots, serveToBrowser } from './testing/browser.js';


let h: AdminHarness;
let browser: Browser;
let base: string;
let admin: string;

beforeAll(async () => {
  h = await createAdminHarness();
  h.now = Date.now();
  admin = await h.user('admin', 'ops-lead');
  // something to show: a hostile failed login, a batch change
  await h.agent('203.0.113.50').login('<img src=x onerror=alert(1)>', 'wrong-password-123');
  const agent = h.agent();
  await agent.login(admin, h.password);
  await agent.get('/batches');
  await agent.post(`/batches/${h.batch.id}/activate`);
  ({ base, browser } = await serveToBrowser(h));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.each(locales)('admin console in Chromium (%s)', (locale) => {
  it('logs in from the keyboard and shows the audit log, loading nothing from elsewhere and breaking no CSP rule', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    const requests: string[] = [];
    const problems: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));

    await page.goto(`${base}/audit`);
    expect(page.url()).toBe(`${base}/login?next=%2Faudit`);
    await page.screenshot({ path: `${screenshots}/login-${locale}.png` });
    await page.keyboard.type(admin);
    await page.keyboard.press('Tab');
    await page.keyboard.type(h.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/audit`);
    expect((await page.locator('h1').innerText()).trim()).toBe(auditTexts[locale].title);
    await expect.poll(() => page.locator('table.rows tbody tr').count()).toBeGreaterThan(2);
    expect(await page.locator('body').innerText()).toContain('<img src=x onerror=alert(1)>');
    // "/" jumps to the filter form
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('actor');
    await page.screenshot({ path: `${screenshots}/audit-${locale}.png`, fullPage: true });
    await page.goto(`${base}/batches`);
    await page.screenshot({ path: `${screenshots}/batches-${locale}.png`, fullPage: true });

    expect(requests.every((url) => url.startsWith(base))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
