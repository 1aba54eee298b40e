/** The console speaks zh-CN (the brand's teams) and en; zh-CN unless the browser or the switch says en. */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const localeCookie = 'sga_lang';

export const isLocale = (value: unknown): value is Locale => (locales as readonly unknown[]).includes(value);

/** The switch's cookie wins; else the first language of Accept-Language we speak, by q-value. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return 'zh-CN';
}

/** Texts of one part of the console, in every locale (the type makes a missing translation a compile error). */
export type Texts<T> = Record<Locale, T>;
