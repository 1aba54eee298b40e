import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../main.js';
import { repoPath } from '../../core/paths.js';
import { findFreePort } from '../../core/services/free-port.js';
import { createGatewayHarness, testCampaign, type GatewayHarness, type TestBatch } from '../testing/gateway-harness.js';
import { phoneAgent } from '../testing/scan-client.js';
import { locales, type Locale } from './locale.js';
import { pageTexts } from './messages.js';
import type { PageState } from './page-state.js';

const day = 24 * 3600 * 1000;
const desktopAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const screenshots = repoPath('test-results', 'scan-page');

let harness: GatewayHarness;
let browser: Browser;
const gateways = {} as Record<'main' | 'limited' | 'deadRedis', RunningGateway>;
const batches = {} as Record<'live' | 'inactive' | 'noPrize' | 'future' | 'past' | 'limited' | 'review', TestBatch>;

beforeAll(async () => {
  harness = await createGatewayHarness();
  const window = (from: number, to: number) => ({ startsAt: new Date(from).toISOString(), endsAt: new Date(to).toISOString(), timeZone: 'Asia/Shanghai' });
  batches.live = await harness.addBatch(testCampaign('browser-live', { name: '新春扫码赢好礼 Spring Scan & Win' }), { count: 40, honeypots: 2 });
  batches.inactive = await harness.addBatch(testCampaign('browser-live', { name: '新春扫码赢好礼 Spring Scan & Win' }), { count: 5, active: false });
  batches.noPrize = await harness.addBatch(testCampaign('browser-no-prize', { tiers: [{ id: 'grand', kind: 'cash', value: 8, unit: 'CNY', inventory: 1, weight: 0 }], noPrizeWeight: 1 }));
  batches.future = await harness.addBatch(testCampaign('browser-future', { window: window(Date.now() + day, Date.now() + 2 * day) }));
  batches.past = await harness.addBatch(testCampaign('browser-past', { window: window(Date.now() - 2 * day, Date.now() - day) }));
  batches.limited = await harness.addBatch(testCampaign('browser-limited', { limits: { perConsumerPerDay: 1, perConsumerPerCampaign: 1 } }));
  batches.review = await harness.addBatch(
    testCampaign('browser-review', {
      tiers: [{ id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 100, weight: 1 }],
      fraud: { holdAt: 15, blockAt: 90, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000 },
    }),
  );
  gateways.main = await harness.startGateway();
  // Windows are fixed (aligned on multiples of their length): a day-long one does not roll over during the file.
  gateways.limited = await harness.startGateway({ gateway: { forgedPerIpLimit: 1, forgedWindowSeconds: 86_400 } });
  gateways.deadRedis = await harness.startGateway({ redisUrl: `redis://127.0.0.1:${await findFreePort()}` });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await mkdir(screenshots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** A phone: its own cookie jar (device), language and agent. Every request it makes is recorded. */
async function phone(locale: Locale, userAgent = phoneAgent): Promise<{ context: BrowserContext; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, userAgent, isMobile: true, hasTouch: true });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  return { context, requests };
}

async function visit(context: BrowserContext, gateway: RunningGateway, code: string, shot: string) {
  const page = await context.newPage();
  const url = `http://127.0.0.1:${gateway.port}/S/${code}`;
  const response = await page.goto(url);
  const heading = (await page.locator('h1').innerText()).trim();
  const text = await page.locator('body').innerText();
  await page.screenshot({ path: `${screenshots}/${shot}.png`, fullPage: true });
  await page.close();
  return { status: response?.status(), heading, text, url };
}

describe.each(locales)('scan page in Chromium at 390×844 (%s)', (locale) => {
  const title = (state: PageState) => pageTexts[locale].states[state].title;

  it('renders every outcome with its message, loading nothing but the page', async () => {
    const { context, requests } = await phone(locale);
    const code = batches.live.fresh();
    const visits: [PageState, Awaited<ReturnType<typeof visit>>, number][] = [];
    const record = async (state: PageState, status: number, gateway: RunningGateway, scanCode: string, browserContext = context) =>
      visits.push([state, await visit(browserContext, gateway, scanCode, `${locale}-${visits.length}-${state}`), status]);

    await record('won', 200, gateways.main, code);
    await record('won', 200, gateways.main, code); // the same phone again: a replay
    const other = await phone(locale);
    await record('already_redeemed', 200, gateways.main, code, other.context);
    await record('invalid', 404, gateways.main, 'FAKE0CODE0THAT0IS0NOT0GENUINE0');
    await record('no_prize', 200, gateways.main, batches.noPrize.fresh());
    await record('not_activated', 200, gateways.main, batches.inactive.fresh());
    await record('campaign_not_started', 200, gateways.main, batches.future.fresh());
    await record('campaign_ended', 200, gateways.main, batches.past.fresh());
    await record('won', 200, gateways.main, batches.limited.fresh(), other.context);
    await record('limit_reached', 200, gateways.main, batches.limited.fresh(), other.context);
    const desktop = await phone(locale, desktopAgent);
    await record('held', 200, gateways.main, batches.review.fresh(), desktop.context);
    await record('blocked', 200, gateways.main, batches.live.honeypots[locale === 'en' ? 0 : 1] ?? '');
    // One forged code uses up this address's budget on that gateway: its further forged codes are 429.
    await fetch(`http://127.0.0.1:${gateways.limited.port}/S/FORGED`);
    await record('rate_limited', 429, gateways.limited, 'FORGED');
    await record('unavailable', 503, gateways.deadRedis, batches.live.fresh());

    for (const [state, seen, status] of visits) {
      expect(seen.status, `${state} ${seen.url}`).toBe(status);
      expect(seen.heading, state).toBe(title(state));
    }
    const [won, replay, redeemed] = visits.map(([, seen]) => seen.text);
    expect(won).toContain('888');
    expect(won).toContain('Show this page at a partner store.');
    expect(replay).toContain(pageTexts[locale].replayNote);
    expect(redeemed).toContain(pageTexts[locale].states.already_redeemed.warning);
    // Only the scan URLs themselves: no favicon, font, image or script request.
    for (const { requests: made } of [{ requests }, other, desktop]) for (const url of made) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/S\/[A-Z0-9]+$/);
    await Promise.all([context.close(), other.context.close(), desktop.context.close()]);
  });
});
