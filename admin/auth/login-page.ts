import { html, type Html } from '../html.js';
import { commonTexts } from '../i18n/messages.js';
import type { Locale } from '../i18n/locale.js';

export function loginForm(locale: Locale, csrfToken: string, next: string | undefined, failed: boolean): Html {
  const texts = commonTexts[locale];
  return html`${failed ? html`<p class="error" role="alert">${texts.loginFailed}</p>` : ''}
<form method="post" action="/login" class="login">
  <input type="hidden" name="_csrf" value="${csrfToken}">
  ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
  <label>${texts.username}<input name="username" autocomplete="username" required autofocus maxlength="64"></label>
  <label>${texts.password}<input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
  <button type="submit">${texts.login}</button>
</form>`;
}
