import { html, type Html } from '../html.js';
import type { Texts, Locale } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';
import { maskAddress, maskBanSubject } from '../pii.js';
import { auditPageSize, type AuditRow } from './audit-query.js';

export const auditTexts: Texts<{ title: string; at: string; actor: string; action: string; subject: string; detail: string; from: string; to: string; readOnly: string }> = {
  'zh-CN': { title: '审计日志', at: '时间 (UTC)', actor: '操作人', action: '操作', subject: '对象', detail: '详情', from: '起始', to: '截止', readOnly: '审计日志只读，控制台不能修改。' },
  en: { title: 'Audit log', at: 'Time (UTC)', actor: 'Actor', action: 'Action', subject: 'Subject', detail: 'Detail', from: 'From', to: 'To', readOnly: 'The audit log is read-only; the console cannot change it.' },
};

export interface AuditQueryText {
  readonly actor?: string;
  readonly action?: string;
  readonly subject?: string;
  readonly from?: string;
  readonly to?: string;
}

const banKindsShown = new Set(['device', 'address', 'network']);

/** The detail as JSON text, with addresses cut to their network and ban subjects masked for viewers. */
function detailText(detail: Record<string, unknown>, maskPii: boolean): string {
  if (!maskPii) return JSON.stringify(detail);
  const masked = { ...detail };
  if (typeof detail.address === 'string') masked.address = maskAddress(detail.address);
  if (typeof detail.kind === 'string' && banKindsShown.has(detail.kind) && typeof detail.value === 'string')
    masked.value = maskBanSubject(detail.kind as 'device' | 'address' | 'network', detail.value);
  return JSON.stringify(masked);
}

const isoMinute = (at: Date): string => at.toISOString().replace('T', ' ').slice(0, 19);

export function auditPage(locale: Locale, query: AuditQueryText, rows: readonly AuditRow[], maskPii: boolean): Html {
  const texts = auditTexts[locale];
  const common = commonTexts[locale];
  const field = (name: keyof AuditQueryText, label: string, placeholder = '') =>
    html`<label>${label}<input name="${name}" value="${query[name] ?? ''}" placeholder="${placeholder}" maxlength="200"></label>`;
  const last = rows.length === auditPageSize ? rows[rows.length - 1] : undefined;
  const nextQuery = last && new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), before: String(last.id) }).toString();
  return html`<p class="note">${texts.readOnly}</p>
<form method="get" action="/audit" class="filters">
  ${field('actor', texts.actor)}${field('action', texts.action, 'login.failed')}${field('subject', texts.subject, 'batch:')}
  ${field('from', texts.from, 'YYYY-MM-DD')}${field('to', texts.to, 'YYYY-MM-DD')}
  <button type="submit">${common.filter}</button>
</form>
${rows.length === 0
  ? html`<p>${common.noRows}</p>`
  : html`<table class="rows">
<thead><tr><th>${texts.at}</th><th>${texts.actor}</th><th>${texts.action}</th><th>${texts.subject}</th><th>${texts.detail}</th></tr></thead>
<tbody>${rows.map(
      (row) => html`<tr><td class="nowrap">${isoMinute(row.at)}</td><td>${row.actor}</td><td><code>${row.action}</code></td><td>${row.subject}</td><td><code class="detail">${detailText(row.detail, maskPii)}</code></td></tr>`,
    )}</tbody>
</table>`}
${nextQuery ? html`<p class="paging"><a href="/audit?${nextQuery}" rel="next">${common.next} →</a></p>` : ''}`;
}
