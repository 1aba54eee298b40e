export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

/**
 * The page language from Accept-Language: English when the client prefers some `en` over any
 * `zh`, Chinese (the default) otherwise. Only q-values are read; anything unparsable is ignored.
 */
export function pickLocale(acceptLanguage: string): Locale {
  let best: { locale: Locale; q: number } | undefined;
  for (const part of acceptLanguage.split(',', 16)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const locale = tag === 'en' || tag.startsWith('en-') ? 'en' : tag === 'zh' || tag.startsWith('zh-') ? 'zh-CN' : undefined;
    if (locale === undefined) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0 && (best === undefined || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'zh-CN';
}
