import type { Batch } from '../../core/campaigns/batches.js';
import { html, type Html } from '../html.js';
import type { Locale, Texts } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';

export const batchTexts: Texts<{
  title: string;
  id: string;
  name: string;
  campaign: string;
  region: string;
  status: string;
  printed: string;
  created: string;
  statuses: Record<Batch['status'], string>;
  activate: string;
  deactivate: string;
}> = {
  'zh-CN': {
    title: '码批次',
    id: '编号',
    name: '名称',
    campaign: '活动',
    region: '地区',
    status: '状态',
    printed: '印刷数量',
    created: '创建时间 (UTC)',
    statuses: { active: '已激活', inactive: '未激活' },
    activate: '激活',
    deactivate: '停用',
  },
  en: {
    title: 'Code batches',
    id: 'Id',
    name: 'Name',
    campaign: 'Campaign',
    region: 'Region',
    status: 'Status',
    printed: 'Printed',
    created: 'Created (UTC)',
    statuses: { active: 'active', inactive: 'inactive' },
    activate: 'Activate',
    deactivate: 'Deactivate',
  },
};

/** The batch list; admins get a button per batch to flip its activation (same function as `scangate batch`). */
export function batchesPage(locale: Locale, batches: readonly Batch[], csrfToken: string | undefined): Html {
  const texts = batchTexts[locale];
  if (batches.length === 0) return html`<p>${commonTexts[locale].noRows}</p>`;
  const action = (batch: Batch) => {
    if (!csrfToken) return '';
    const active = batch.status === 'active';
    return html`<form method="post" action="/batches/${batch.id}/${active ? 'deactivate' : 'activate'}" class="inline">
<input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">${active ? texts.deactivate : texts.activate}</button></form>`;
  };
  return html`<table class="rows">
<thead><tr><th>${texts.id}</th><th>${texts.name}</th><th>${texts.campaign}</th><th>${texts.region}</th><th>${texts.status}</th><th>${texts.printed}</th><th>${texts.created}</th>${csrfToken ? html`<th></th>` : ''}</tr></thead>
<tbody>${batches.map(
    (batch) => html`<tr><td>${batch.id}</td><td>${batch.name}</td><td>${batch.campaignId}</td><td>${batch.region ?? '–'}</td><td class="status-${batch.status}">${texts.statuses[batch.status]}</td><td>${batch.printedCount}</td><td class="nowrap">${batch.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td>${csrfToken ? html`<td>${action(batch)}</td>` : ''}</tr>`,
  )}</tbody>
</table>`;
}
