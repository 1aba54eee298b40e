import { html, type Html } from '../html.js';
import type { Locale, Texts } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';
import type { AdminUser } from './user-store.js';

export const userTexts: Texts<{ title: string; username: string; role: string; created: string; state: string; enabled: string; disabled: string; disable: string; cliHint: string }> = {
  'zh-CN': {
    title: '用户',
    username: '用户名',
    role: '角色',
    created: '创建时间 (UTC)',
    state: '状态',
    enabled: '启用',
    disabled: '已停用',
    disable: '停用',
    cliHint: '新增用户和重置密码：scangate admin-user add / reset-password。',
  },
  en: {
    title: 'Users',
    username: 'Username',
    role: 'Role',
    created: 'Created (UTC)',
    state: 'State',
    enabled: 'enabled',
    disabled: 'disabled',
    disable: 'Disable',
    cliHint: 'Add users and reset passwords with scangate admin-user add / reset-password.',
  },
};

export function usersPage(locale: Locale, users: readonly AdminUser[], csrfToken: string, self: string): Html {
  const texts = userTexts[locale];
  const roles = commonTexts[locale].roles;
  return html`<p class="note">${texts.cliHint}</p>
<table class="rows">
<thead><tr><th>${texts.username}</th><th>${texts.role}</th><th>${texts.created}</th><th>${texts.state}</th><th></th></tr></thead>
<tbody>${users.map(
    (user) => html`<tr><td>${user.username}</td><td>${roles[user.role]}</td><td class="nowrap">${user.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td><td>${user.disabledAt ? texts.disabled : texts.enabled}</td><td>${
      user.disabledAt || user.username === self
        ? ''
        : html`<form method="post" action="/users/${user.username}/disable" class="inline"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">${texts.disable}</button></form>`
    }</td></tr>`,
  )}</tbody>
</table>`;
}
