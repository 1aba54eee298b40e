import { describe, expect, it } from 'vitest';
import { pickLocale } from './locale.js';

describe('console locale', () => {
  it('follows the switch cookie first, then Accept-Language by q-value, else zh-CN', () => {
    expect(pickLocale('en', 'zh-CN')).toBe('en');
    expect(pickLocale(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(pickLocale(undefined, 'zh-TW;q=0.5, en-US;q=0.8')).toBe('en');
    expect(pickLocale(undefined, 'fr, zh;q=0.7, en;q=0.2')).toBe('zh-CN');
    expect(pickLocale('xx', 'de')).toBe('zh-CN');
    expect(pickLocale(undefined, undefined)).toBe('zh-CN');
  });
});
