import type { CodeTrace } from '../../core/trace/code-trace.js';
import type { DeviceTrace } from '../../core/trace/device-trace.js';
import { traceScanLimit, type TracedRedemption, type TracedScan } from '../../core/trace/trace-rows.js';
import { bansTable } from '../bans/bans-page.js';
import { html, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';
import { maskAddress, shortenDevice } from '../pii.js';
import { traceTexts } from './trace-texts.js';

/** What was asked for, as typed (the query string): one of the three. */
export interface TraceQuery {
  readonly code?: string;
  readonly scan?: string;
  readonly device?: string;
}

/** How personal data shows: whole (with links to the device's history) or masked for viewers. */
interface Shown {
  readonly locale: Locale;
  readonly maskPii: boolean;
  readonly now: number;
}

const isoSecond = (at: Date): string => at.toISOString().replace('T', ' ').slice(0, 19);
const traceLink = (name: keyof TraceQuery, value: string): string => `/trace?${new URLSearchParams({ [name]: value }).toString()}`;

function device(shown: Shown, deviceId: string): Html {
  // a viewer gets no link: the URL would carry the whole id
  return shown.maskPii ? html`<code>${shortenDevice(deviceId)}</code>` : html`<a href="${traceLink('device', deviceId)}"><code>${deviceId}</code></a>`;
}

export function traceForms(locale: Locale, query: TraceQuery): Html {
  const texts = traceTexts[locale];
  const form = (name: keyof TraceQuery, label: string, placeholder: string) =>
    html`<form method="get" action="/trace" class="filters"><label>${label}<input name="${name}" value="${query[name] ?? ''}" placeholder="${placeholder}" maxlength="200"></label><button type="submit">${texts.trace}</button></form>`;
  return html`<div class="trace-forms">${form('code', texts.byCode, texts.codeHint)}${form('scan', texts.byScan, '1767225600000-0')}${form('device', texts.byDevice, '')}</div>`;
}

function scansTable(shown: Shown, scans: readonly TracedScan[], withCode: boolean, marked?: string): Html {
  const texts = traceTexts[shown.locale];
  if (scans.length === 0) return html`<p>${commonTexts[shown.locale].noRows}</p>`;
  const flags = (scan: TracedScan) => [scan.replay ? texts.replay : '', scan.newDevice ? texts.newDevice : ''].filter(Boolean).join(', ');
  return html`<table class="rows scans">
<thead><tr><th>${texts.at}</th><th>${texts.scanId}</th>${withCode ? html`<th>${texts.campaign}</th><th>${texts.code}</th>` : ''}<th>${texts.outcome}</th><th>${texts.reasons}</th><th>${texts.score}</th><th>${texts.tier}</th><th>${texts.device}</th><th>${texts.address}</th><th>${texts.uaClass}</th><th>${texts.region}</th><th>${texts.flags}</th></tr></thead>
<tbody>${scans.map(
    (scan) => html`<tr${scan.scanId === marked ? html` class="marked"` : ''}><td class="nowrap">${isoSecond(scan.scannedAt)}</td><td><code>${scan.scanId}</code></td>${
      withCode ? html`<td>${scan.campaignId}</td><td><a href="${traceLink('code', scan.code)}"><code>${scan.code}</code></a></td>` : ''
    }<td class="outcome-${scan.outcome}">${scan.outcome}</td><td>${scan.reasons.join(', ')}</td><td>${scan.score}</td><td>${scan.tierId ?? '–'}</td><td>${device(shown, scan.deviceId)}</td><td>${
      shown.maskPii ? maskAddress(scan.ip) : scan.ip
    }</td><td>${scan.uaClass}</td><td>${scan.region ?? '–'}</td><td>${flags(scan)}</td></tr>`,
  )}</tbody>
</table>${scans.length >= traceScanLimit ? html`<p class="note">${texts.capped}</p>` : ''}`;
}

function redemptionsTable(shown: Shown, redemptions: readonly TracedRedemption[], withCode: boolean): Html {
  const texts = traceTexts[shown.locale];
  if (redemptions.length === 0) return html`<p>${commonTexts[shown.locale].noRows}</p>`;
  return html`<table class="rows redemptions">
<thead><tr><th>${texts.at}</th>${withCode ? html`<th>${texts.campaign}</th><th>${texts.code}</th>` : ''}<th>${texts.scanId}</th><th>${texts.status}</th><th>${texts.tier}</th><th>${texts.device}</th></tr></thead>
<tbody>${redemptions.map(
    (r) => html`<tr><td class="nowrap">${isoSecond(r.redeemedAt)}</td>${withCode ? html`<td>${r.campaignId}</td><td><a href="${traceLink('code', r.code)}"><code>${r.code}</code></a></td>` : ''}<td><code>${r.scanId}</code></td><td class="status-${r.status}">${r.status}</td><td>${r.tierId ?? '–'}</td><td>${device(shown, r.deviceId)}</td></tr>`,
  )}</tbody>
</table>`;
}

/** A code's trace; `marked` is the scan id asked for (a trace by scan id), highlighted among the scans. */
export function codeTracePage(shown: Shown, trace: CodeTrace, marked?: string): Html {
  const texts = traceTexts[shown.locale];
  const batch = trace.batch;
  return html`<dl class="facts">
  <dt>${texts.code}</dt><dd><code>${trace.code}</code></dd>
  <dt>${texts.signature}</dt><dd class="verdict-${trace.signature}">${texts.verdicts[trace.signature]}${trace.invalidReason ? html` (<code>${trace.invalidReason}</code>)` : ''}</dd>
  <dt>${texts.batch}</dt><dd>${trace.batchId ?? '–'}${batch ? html` · ${batch.name}` : ''}</dd>
  <dt>${texts.serial}</dt><dd>${trace.serial ?? '–'}</dd>
  ${batch
    ? html`<dt>${texts.campaign}</dt><dd>${batch.campaignId}</dd>
  <dt>${texts.region}</dt><dd>${batch.region ?? '–'}</dd>
  <dt>${texts.batchStatus}</dt><dd class="status-${batch.status}">${batch.status}${batch.activatedAt ? html` · ${isoSecond(batch.activatedAt)}` : ''}</dd>
  <dt>${texts.activated}</dt><dd>${trace.activations.length === 0 ? '–' : trace.activations.map((a) => html`<div>${isoSecond(a.at)} <code>${a.action}</code> ${a.actor}</div>`)}</dd>`
    : trace.batchId !== null
      ? html`<dt>${texts.campaign}</dt><dd>${texts.noBatch}</dd>`
      : ''}
</dl>
<h2>${texts.scans}</h2>
${scansTable(shown, trace.scans, false, marked)}
<h2>${texts.redemption}</h2>
${redemptionsTable(shown, trace.redemption ? [trace.redemption] : [], false)}
<h2>${texts.reviews}</h2>
${trace.reviews.length === 0
  ? html`<p>${commonTexts[shown.locale].noRows}</p>`
  : html`<table class="rows reviews"><thead><tr><th>${texts.at}</th><th>${texts.decision}</th><th>${texts.reviewer}</th><th>${texts.note}</th><th>${texts.scanId}</th></tr></thead>
<tbody>${trace.reviews.map((r) => html`<tr><td class="nowrap">${isoSecond(r.decidedAt)}</td><td>${r.decision}</td><td>${r.reviewer}</td><td>${r.note ?? ''}</td><td><code>${r.scanId ?? '–'}</code></td></tr>`)}</tbody></table>`}
<h2>${texts.bans}</h2>
${bansTable(shown.locale, trace.bans, shown.now, shown.maskPii)}`;
}

export function deviceTracePage(shown: Shown, trace: DeviceTrace): Html {
  const texts = traceTexts[shown.locale];
  return html`<dl class="facts"><dt>${texts.device}</dt><dd>${device(shown, trace.deviceId)}</dd></dl>
<h2>${texts.scans}</h2>
${scansTable(shown, trace.scans, true)}
<h2>${texts.redemptions}</h2>
${redemptionsTable(shown, trace.redemptions, true)}
<h2>${texts.bans}</h2>
${bansTable(shown.locale, trace.bans, shown.now, shown.maskPii)}`;
}
