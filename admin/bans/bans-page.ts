import type { Ban } from '../../core/bans/bans.js';
import { banKinds } from '../../core/bans/ban-subjects.js';
import { html, type Html } from '../html.js';
import type { Locale } from '../i18n/locale.js';
import { commonTexts } from '../i18n/messages.js';
import { maskBanSubject } from '../pii.js';
import { banTexts } from './bans-texts.js';

/** The list's filters as typed (the query string). */
export interface BanFilterText {
  readonly campaign?: string;
  readonly kind?: string;
  readonly value?: string;
  /** '1' (the default) lists bans in force only; '0' lists every ban */
  readonly inForce?: '0' | '1';
}

/** The create form's fields as typed, kept when the form comes back with an error. */
export interface BanFormText {
  readonly kind?: string;
  readonly value?: string;
  readonly scope?: string;
  readonly reason?: string;
  readonly expires?: string;
}

export interface BansView {
  readonly filter: BanFilterText;
  readonly bans: readonly Ban[];
  readonly campaignIds: readonly string[];
  readonly now: number;
  readonly maskPii: boolean;
  /** present when this user may ban and lift */
  readonly csrfToken?: string;
  readonly form?: BanFormText;
  /** why the last ban or filter was refused (core's message) */
  readonly error?: string;
}

const isoMinute = (at: Date): string => at.toISOString().replace('T', ' ').slice(0, 16);

function options(values: readonly string[], selected: string | undefined, label: (value: string) => string): Html[] {
  return values.map((value) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${label(value)}</option>`);
}

function filterForm(locale: Locale, view: BansView): Html {
  const texts = banTexts[locale];
  const { filter } = view;
  return html`<form method="get" action="/bans" class="filters">
  <label>${texts.scope}<select name="campaign"><option value="">${texts.allCampaigns}</option>${options(view.campaignIds, filter.campaign, (id) => id)}</select></label>
  <label>${texts.kind}<select name="kind"><option value="">${texts.anyKind}</option>${options(banKinds, filter.kind, (kind) => texts.kinds[kind as Ban['kind']])}</select></label>
  <label>${texts.value}<input name="value" value="${filter.value ?? ''}" maxlength="200" placeholder="${texts.valueHint}"></label>
  <label>${texts.state}<select name="inForce">${options(['1', '0'], filter.inForce ?? '1', (v) => (v === '1' ? texts.onlyInForce : texts.allStates))}</select></label>
  <button type="submit">${commonTexts[locale].filter}</button>
</form>`;
}

function createForm(locale: Locale, view: BansView, csrfToken: string): Html {
  const texts = banTexts[locale];
  const form = view.form ?? {};
  return html`<form method="post" action="/bans" class="filters create-ban">
  <input type="hidden" name="_csrf" value="${csrfToken}">
  <label>${texts.kind}<select name="kind">${options(banKinds, form.kind, (kind) => texts.kinds[kind as Ban['kind']])}</select></label>
  <label>${texts.value}<input name="value" value="${form.value ?? ''}" required maxlength="200" placeholder="${texts.valueHint}"></label>
  <label>${texts.scope}<select name="scope"><option value="">${texts.everywhere}</option>${options(view.campaignIds, form.scope, (id) => id)}</select></label>
  <label>${texts.reason}<input name="reason" value="${form.reason ?? ''}" required maxlength="500"></label>
  <label>${texts.expires}<input name="expires" value="${form.expires ?? '7d'}" required maxlength="20" placeholder="${texts.expiresHint}"></label>
  <button type="submit">${texts.create}</button>
</form>`;
}

function state(locale: Locale, ban: Ban, now: number): Html {
  const texts = banTexts[locale];
  if (ban.liftedAt) return html`<span class="status-inactive">${texts.lifted} ${isoMinute(ban.liftedAt)} (${ban.liftedBy})</span>`;
  if (ban.expiresAt.getTime() <= now) return html`<span class="status-inactive">${texts.ended}</span>`;
  return html`<span class="status-active">${texts.inForce}</span>`;
}

/** Bans as rows; with a CSRF token, a lift button on each ban in force. Also the code trace's "bans touching it". */
export function bansTable(locale: Locale, bans: readonly Ban[], now: number, maskPii: boolean, csrfToken?: string): Html {
  const texts = banTexts[locale];
  if (bans.length === 0) return html`<p>${commonTexts[locale].noRows}</p>`;
  const subject = (ban: Ban) => (maskPii ? maskBanSubject(ban.kind, ban.value) : ban.value);
  const lift = (ban: Ban) =>
    csrfToken && !ban.liftedAt && ban.expiresAt.getTime() > now
      ? html`<form method="post" action="/bans/${ban.id}/lift" class="inline"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">${texts.lift}</button></form>`
      : '';
  return html`<table class="rows bans">
<thead><tr><th>#</th><th>${texts.kind}</th><th>${texts.value}</th><th>${texts.scope}</th><th>${texts.reason}</th><th>${texts.createdBy}</th><th>${texts.created}</th><th>${texts.expires}</th><th>${texts.state}</th>${csrfToken ? html`<th></th>` : ''}</tr></thead>
<tbody>${bans.map(
    (ban) => html`<tr><td>${ban.id}</td><td>${texts.kinds[ban.kind]}</td><td><code>${subject(ban)}</code></td><td>${ban.scope ?? texts.everywhere}</td><td>${ban.reason}</td><td>${ban.createdBy}</td><td class="nowrap">${isoMinute(ban.createdAt)}</td><td class="nowrap">${isoMinute(ban.expiresAt)}</td><td>${state(locale, ban, now)}</td>${csrfToken ? html`<td>${lift(ban)}</td>` : ''}</tr>`,
  )}</tbody>
</table>`;
}

/** The bans list with its filters; reviewers and admins also get the create form and a lift button per ban in force. */
export function bansPage(locale: Locale, view: BansView): Html {
  const texts = banTexts[locale];
  return html`${view.error ? html`<p class="error" role="alert">${texts.refused}${view.error}</p>` : ''}
${view.csrfToken ? createForm(locale, view, view.csrfToken) : ''}
${filterForm(locale, view)}
${bansTable(locale, view.bans, view.now, view.maskPii, view.csrfToken)}`;
}
