import type { ScanEvidence } from '../../core/review/evidence.js';
import type { HeldScan, QueueBacklog, QueueCursor } from '../../core/review/queue.js';
import type { BulkLineReport } from '../../core/review/settle-bulk.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { html, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';
import { evidenceView, type PiiView } from './evidence-view.js';
import { reviewTexts } from './review-texts.js';

/** The filter form's fields as the query string carries them. */
export interface QueueQuery {
  readonly campaign?: string;
  readonly reason?: string;
  readonly tier?: string;
  readonly minAgeHours?: number;
  readonly minScore?: number;
  readonly maxScore?: number;
}

export interface QueueView {
  readonly query: QueueQuery;
  readonly backlog: QueueBacklog;
  readonly scans: readonly { held: HeldScan; evidence: ScanEvidence }[];
  readonly next: QueueCursor | null;
  /** the URL of this page (where a settle returns) */
  readonly self: string;
  readonly pii: PiiView;
  /** when the page was read: whether a ban shown is still in force */
  readonly now: number;
  /** set when the reader may settle (reviewer, admin) */
  readonly csrfToken?: string;
}

/** What a held scan is called in a selection: campaign ids are slugs and codes base32, so a space separates them. */
export const selectionValue = (held: HeldScan): string => `${held.campaignId} ${held.code} ${held.scanId}`;

const queryString = (query: QueueQuery, extra: Record<string, string> = {}): string =>
  new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])), ...extra }).toString();

export const queueUrl = (query: QueueQuery): string => {
  const text = queryString(query);
  return text === '' ? '/review' : `/review?${text}`;
};

function filterForm(locale: Locale, query: QueueQuery): Html {
  const texts = reviewTexts[locale];
  const field = (name: 'campaign' | 'tier' | 'minAgeHours' | 'minScore' | 'maxScore', label: string, type = 'text') =>
    html`<label>${label}<input name="${name}" type="${type}" value="${query[name] ?? ''}" maxlength="64"${type === 'number' ? html` min="0"` : ''}></label>`;
  return html`<form method="get" action="/review" class="filters">
  ${field('campaign', texts.campaign)}
  <label>${texts.reason}<select name="reason"><option value="">${texts.anyReason}</option>${Object.keys(reasonBits).map(
    (reason) => html`<option value="${reason}"${query.reason === reason ? html` selected` : ''}>${reason}</option>`,
  )}</select></label>
  ${field('tier', texts.tier)}${field('minAgeHours', texts.minAgeHours, 'number')}${field('minScore', texts.minScore, 'number')}${field('maxScore', texts.maxScore, 'number')}
  <button type="submit">${commonTexts[locale].filter}</button>
</form>`;
}

function settleForm(locale: Locale, held: HeldScan, view: QueueView & { csrfToken: string }): Html {
  const texts = reviewTexts[locale];
  return html`<form method="post" action="/review/settle" class="settle">
<input type="hidden" name="_csrf" value="${view.csrfToken}"><input type="hidden" name="campaignId" value="${held.campaignId}"><input type="hidden" name="code" value="${held.code}"><input type="hidden" name="scanId" value="${held.scanId}"><input type="hidden" name="back" value="${view.self}">
<label>${texts.note}<input name="note" class="note-field" maxlength="1000"></label>
<button type="submit" name="decision" value="approve" class="approve">${texts.approve}</button>
<button type="submit" name="decision" value="reject" class="reject">${texts.reject}</button>
</form>`;
}

function bulkForms(locale: Locale, view: QueueView & { csrfToken: string }): Html {
  const texts = reviewTexts[locale];
  return html`<form method="post" action="/review/selected" id="selected" class="selected">
<input type="hidden" name="_csrf" value="${view.csrfToken}"><input type="hidden" name="back" value="${view.self}">
<span>${texts.selected}</span><label>${texts.note}<input name="note" maxlength="1000"></label>
<button type="submit" name="decision" value="approve">${texts.approve}</button><button type="submit" name="decision" value="reject">${texts.reject}</button>
</form>`;
}

function bulkUpload(locale: Locale, view: QueueView & { csrfToken: string }): Html {
  const texts = reviewTexts[locale];
  return html`<section class="bulk"><h2>${texts.bulkTitle}</h2><p class="note">${texts.bulkHelp}</p>
<form method="post" action="/review/bulk" class="bulk-upload">
<input type="hidden" name="_csrf" value="${view.csrfToken}">${view.query.campaign ? html`<input type="hidden" name="campaign" value="${view.query.campaign}">` : ''}
<label>${texts.csvFile}<input type="file" accept=".csv,text/csv,text/plain" class="csv-file"></label>
<label>${texts.csvText}<textarea name="csv" rows="4" cols="60" required></textarea></label>
<button type="submit">${texts.upload}</button>
</form></section>`;
}

/** The queue: backlog on top, filters, then each held scan with its evidence and (for reviewers and admins) its actions. */
export function reviewQueuePage(locale: Locale, view: QueueView): Html {
  const texts = reviewTexts[locale];
  const writable = view.csrfToken === undefined ? undefined : { ...view, csrfToken: view.csrfToken };
  const { backlog } = view;
  return html`<p class="backlog">${backlog.count === 0 ? texts.empty : texts.backlog(backlog.count, backlog.capped, backlog.oldestAgeSeconds ?? 0)} ${texts.oldestFirst}</p>
${filterForm(locale, view.query)}
<p class="note">${writable ? texts.keys : texts.readOnly}</p>
${writable && view.scans.length > 0 ? bulkForms(locale, writable) : ''}
${view.scans.length === 0
  ? html`<p>${commonTexts[locale].noRows}</p>`
  : html`<ol class="queue">${view.scans.map(
      ({ held, evidence }) => html`<li class="held" tabindex="0" id="scan-${held.scanId}">
${writable ? html`<label class="pick"><input type="checkbox" name="scan" form="selected" value="${selectionValue(held)}"> ${texts.select}</label>` : ''}
${evidenceView(locale, held, evidence, view.pii, view.now)}
${writable ? settleForm(locale, held, writable) : ''}
</li>`,
    )}</ol>`}
${view.next
  ? html`<p class="paging"><a rel="next" href="/review?${queryString(view.query, { afterAt: String(view.next.redeemedAtMs), afterCampaign: view.next.campaignId, afterCode: view.next.code })}">${commonTexts[locale].next} →</a></p>`
  : ''}
${writable ? bulkUpload(locale, writable) : ''}`;
}

/** What became of each selected scan or uploaded line. */
export function reviewReportPage(locale: Locale, lines: readonly BulkLineReport[], back: string): Html {
  const texts = reviewTexts[locale];
  return html`<table class="rows report">
<thead><tr><th>${texts.line}</th><th>${texts.scanId}</th><th>${texts.result}</th><th></th></tr></thead>
<tbody>${lines.map(
    (line) =>
      html`<tr class="status-${line.status}"><td>${line.line}</td><td><code>${line.scanId}</code></td><td>${texts.statuses[line.status]}</td><td class="note">${line.error ? (texts.refusals[line.error.code] ?? line.error.message) : ''}${line.status === 'invalid' && line.error ? html` <code>${line.error.message}</code>` : ''}</td></tr>`,
  )}</tbody></table>
<p><a href="${back}">← ${texts.title}</a></p>`;
}
