import { describe, expect, it } from 'vitest';
import { pickLocale } from './locale.js';
import { pageModels } from './scan-page-fixtures.js';
import { renderScanPage } from './scan-page.js';

const bodyText = (html: string) => html.replace(/<style>.*?<\/style>/s, '').replace(/<[^>]+>/g, ' ');

describe('scan page', () => {
  it.each(['zh-CN', 'en'] as const)('renders every state in %s under 10 KB, self-contained', (locale) => {
    const titles = new Set<string>();
    for (const model of pageModels(locale)) {
      const html = renderScanPage(model);
      expect(Buffer.byteLength(html), model.state).toBeLessThanOrEqual(10 * 1024);
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script|(?:src|href)="(?!data:)/);
      titles.add(/<h1>(.*?)<\/h1>/.exec(html)?.[1] ?? '');
    }
    // a distinct headline for every state (the replay page repeats "won")
    expect(titles.size).toBe(pageModels(locale).length - 1);
  });

  it('escapes every text that comes from data', () => {
    for (const model of pageModels('en')) {
      const html = renderScanPage(model);
      expect(html).not.toContain('<Scan>');
      expect(html).not.toContain('<b>within');
    }
    const won = renderScanPage(pageModels('en')[0]!);
    expect(won).toContain('Spring &lt;Scan&gt; &amp; &quot;Win&quot;');
    expect(won).toContain('&lt;b&gt;within 30 days&lt;/b&gt;');
  });

  it('shows the prize and how to claim it for a win, the date and a counterfeit warning for a used code', () => {
    const [won, , redeemed, invalid] = pageModels('en').map(renderScanPage).map(bodyText);
    expect(won).toMatch(/You won!.*CN¥888.*How to claim.*partner store/s);
    expect(won).toContain('1770000000000-0');
    expect(redeemed).toMatch(/already used.*Feb 10, 2026.*8:15.*counterfeit/s);
    expect(invalid).toMatch(/not genuine/);
    expect(invalid).not.toContain('inv-');
    const zhWon = bodyText(renderScanPage(pageModels('zh-CN')[0]!));
    expect(zhWon).toMatch(/恭喜您中奖了.*¥888.*领奖方式/s);
    const zhHeld = bodyText(renderScanPage(pageModels('zh-CN').find((m) => m.state === 'held')!));
    expect(zhHeld).toMatch(/正在审核.*100 积分/s);
  });

  it('tells a replay it is the original result, and when to retry a 429', () => {
    const models = pageModels('en');
    expect(bodyText(renderScanPage(models.find((m) => m.answer?.replay)!))).toMatch(/scanned this code before/);
    expect(bodyText(renderScanPage(models.find((m) => m.state === 'rate_limited')!))).toContain('42 seconds');
  });
});

describe('page language', () => {
  it.each([
    ['', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en;q=0.5, zh-TW;q=0.8', 'zh-CN'],
    ['fr-FR, en-GB;q=0.7', 'en'],
    ['de', 'zh-CN'],
    ['en;q=abc, ;;;,', 'zh-CN'],
  ] as const)('%j → %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });
});
