import type { NavEntry, SignedInUser } from '../context.js';
import { html, type Html } from '../html.js';
import { commonTexts } from '../i18n/messages.js';
import { locales, type Locale } from '../i18n/locale.js';

export interface FrameInput {
  readonly locale: Locale;
  readonly title: string;
  readonly body: Html;
  readonly user: SignedInUser | null;
  /** the entries this user's role may open */
  readonly nav: readonly NavEntry[];
  /** the path being shown (marks the nav entry, and where the language switch returns) */
  readonly path: string;
  /** for the logout form; absent on pages without a session */
  readonly csrfToken?: string;
}

/** The console's frame: header with navigation, user, language switch and logout; no inline script or style. */
export function renderFrame(input: FrameInput): Html {
  const texts = commonTexts[input.locale];
  const other = locales.find((locale) => locale !== input.locale) as Locale;
  const current = (entry: NavEntry) => input.path === entry.path || input.path.startsWith(`${entry.path}?`) || input.path.startsWith(`${entry.path}/`);
  return html`<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${texts.consoleName}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/admin.css">
<script src="/static/admin.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">${texts.consoleName}</a>
  <nav aria-label="main">${input.nav.map((entry) => html`<a href="${entry.path}"${current(entry) ? html` aria-current="page"` : ''}>${entry.label[input.locale]}</a>`)}</nav>
  <div class="session">
    <a class="lang" href="/lang/${other}?back=${encodeURIComponent(input.path)}" hreflang="${other}" lang="${other}">${texts.switchTo}</a>
    ${input.user && input.csrfToken
      ? html`<span class="who">${texts.signedInAs} <strong>${input.user.username}</strong> (${texts.roles[input.user.role]})</span>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${input.csrfToken}"><button type="submit">${texts.logout}</button></form>`
      : ''}
  </div>
</header>
<main>
<h1>${input.title}</h1>
${input.body}
</main>
</body>
</html>
`;
}
