import type { EvidenceScan, ScanEvidence } from '../../core/review/evidence.js';
import type { HeldScan } from '../../core/review/queue.js';
import type { ReasonCode } from '../../core/scan/reasons.js';
import { html, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import { bansTable } from '../bans/bans-page.js';
import { maskAddress, shortenDevice } from '../pii.js';
import { reviewTexts } from './review-texts.js';

/** How personal data is shown to the reader: whole to reviewers and admins, masked to viewers. */
export interface PiiView {
  readonly masked: boolean;
  device(deviceId: string): string;
  address(ip: string): string;
}

export const piiView = (mask: boolean): PiiView => (mask ? { masked: true, device: shortenDevice, address: maskAddress } : { masked: false, device: (id) => id, address: (ip) => ip });

export const utcMinute = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

export function reasonsInWords(locale: Locale, reasons: readonly ReasonCode[]): Html {
  const texts = reviewTexts[locale];
  if (reasons.length === 0) return html`${texts.noReasons}`;
  return html`<ul class="reasons">${reasons.map((reason) => html`<li><code>${reason}</code> ${texts.reasonWords[reason]}</li>`)}</ul>`;
}

function scanTable(locale: Locale, scans: readonly EvidenceScan[], pii: PiiView): Html {
  const texts = reviewTexts[locale];
  if (scans.length === 0) return html`<p class="note">${texts.none}</p>`;
  return html`<table class="rows compact">
<thead><tr><th>${texts.scannedAt}</th><th>${texts.code}</th><th>${texts.device}</th><th>${texts.address}</th><th>${texts.outcome}</th><th>${texts.score}</th><th>${texts.userAgent}</th></tr></thead>
<tbody>${scans.map(
    (scan) =>
      html`<tr><td class="nowrap">${utcMinute(scan.scannedAtMs)}</td><td><code>${scan.code}</code></td><td><code>${pii.device(scan.deviceId)}</code></td><td>${pii.address(scan.ip)}</td><td>${scan.outcome}${scan.replay ? ' ↺' : ''}${scan.tierId ? ` (${scan.tierId})` : ''}</td><td>${scan.score}</td><td>${scan.uaClass}</td></tr>`,
  )}</tbody></table>`;
}

/** One held scan with everything a reviewer weighs; attacker-controlled text (User-Agent, code) is escaped by html``. */
export function evidenceView(locale: Locale, held: HeldScan, evidence: ScanEvidence, pii: PiiView, now: number): Html {
  const texts = reviewTexts[locale];
  const scan = evidence.scan;
  const where = scan && [scan.lat !== null && scan.lon !== null ? `${scan.lat.toFixed(3)}, ${scan.lon.toFixed(3)}` : '', scan.region ?? ''].filter(Boolean).join(' / ');
  return html`<dl class="evidence">
<dt>${texts.code}</dt><dd><code>${held.code}</code> · ${held.campaignId}</dd>
<dt>${texts.batch}</dt><dd>${evidence.batchId ?? '–'}${evidence.batchRegion ? html` · ${texts.shippedTo} ${evidence.batchRegion}` : ''}</dd>
<dt>${texts.scannedAt}</dt><dd>${utcMinute(held.redeemedAtMs)}</dd>
<dt>${texts.prize}</dt><dd>${held.tierId ?? '–'}</dd>
<dt>${texts.score}</dt><dd><strong>${held.score}</strong></dd>
<dt>${texts.reasons}</dt><dd>${reasonsInWords(locale, held.reasons)}</dd>
<dt>${texts.device}</dt><dd><code>${pii.device(held.deviceId)}</code></dd>
${scan
  ? html`<dt>${texts.location}</dt><dd>${where || '–'}</dd>
<dt>${texts.address}</dt><dd>${pii.address(scan.ip)}</dd>
<dt>${texts.userAgent}</dt><dd>${scan.uaClass}${scan.userAgent === null ? '' : html` · <code class="ua">${scan.userAgent}</code>`}</dd>`
  : html`<dt></dt><dd class="note">${texts.notIngested}</dd>`}
</dl>
<details><summary>${texts.codeHistory} (${evidence.codeHistory.length})</summary>${scanTable(locale, evidence.codeHistory, pii)}</details>
<details><summary>${texts.deviceScans} (${evidence.deviceScans.length})</summary>${scanTable(locale, evidence.deviceScans, pii)}</details>
<details><summary>${texts.devicePrizes} (${evidence.devicePrizes.length})</summary>${
    evidence.devicePrizes.length === 0
      ? html`<p class="note">${texts.none}</p>`
      : html`<ul>${evidence.devicePrizes.map((prize) => html`<li><code>${prize.code}</code> ${prize.tierId} · ${prize.status} · ${utcMinute(prize.redeemedAtMs)}</li>`)}</ul>`
  }</details>
<details><summary>${texts.addressDevices} (${evidence.addressDevices.length})</summary>${
    evidence.addressDevices.length === 0
      ? html`<p class="note">${texts.none}</p>`
      : html`<ul>${evidence.addressDevices.map((other) => html`<li><code>${pii.device(other.deviceId)}</code> · ${texts.scans} ${other.scans} · ${texts.lastSeen} ${utcMinute(other.lastSeenMs)}</li>`)}</ul>`
  }</details>
${evidence.bans.length === 0 ? '' : html`<details open><summary class="warn">${texts.bansInForce} (${evidence.bans.length})</summary>${bansTable(locale, evidence.bans, now, pii.masked)}</details>`}`;
}
