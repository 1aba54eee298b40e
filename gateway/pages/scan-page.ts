import type { Campaign } from '../../config/campaign-schema.js';
import type { ScanAnswer } from '../http/scan-answer.js';
import { emblemSvg } from './emblems.js';
import { escapeHtml } from './escape-html.js';
import type { Locale } from './locale.js';
import { pageTexts, type PageFacts, type PageText } from './messages.js';
import { formatMoment, formatPrizeAmount } from './page-format.js';
import { pageTones, type PageState } from './page-state.js';
import { pageStyle } from './page-style.js';

export interface ScanPageModel {
  readonly state: PageState;
  readonly locale: Locale;
  /** the decided (or invalid) answer; absent for 429 / 503 / bad-request pages */
  readonly answer?: ScanAnswer;
  /** the code's campaign, when the code was genuine */
  readonly campaign?: Campaign;
  readonly retryAfterSeconds?: number;
}

function factsOf(model: ScanPageModel): PageFacts {
  const { answer, campaign, locale } = model;
  const zone = campaign?.window.timeZone ?? 'Asia/Shanghai';
  return {
    ...(answer?.firstScannedAt ? { when: formatMoment(answer.firstScannedAt, locale, zone) } : {}),
    ...(campaign ? { startsAt: formatMoment(campaign.window.startsAt, locale, zone), endsAt: formatMoment(campaign.window.endsAt, locale, zone) } : {}),
    ...(model.retryAfterSeconds !== undefined ? { retryAfterSeconds: model.retryAfterSeconds } : {}),
  };
}

function prizeBlock(model: ScanPageModel, text: PageText): string {
  const prize = model.answer?.prize;
  if (!prize) return '';
  const amount = formatPrizeAmount(prize, model.locale, text);
  const kind = text.kinds[prize.kind];
  // "100 points" needs no "Points" under it; "¥5" does need "Coupon".
  const kindLine = amount.toLowerCase().includes(kind.toLowerCase()) ? '' : `<span class="kind">${escapeHtml(kind)}</span>`;
  const block = `<div class="prize"><span class="amt">${escapeHtml(amount)}</span>${kindLine}</div>`;
  if (model.state !== 'won') return block;
  const claim = model.campaign?.tiers.find((tier) => tier.id === prize.tier)?.claim ?? text.defaultClaim;
  return `${block}<div class="note"><b>${escapeHtml(text.claimTitle)}</b>${escapeHtml(claim)}</div>`;
}

function detailsList(model: ScanPageModel, text: PageText, facts: PageFacts): string {
  const rows: [string, string][] = [];
  if (model.answer && model.state !== 'invalid') rows.push([text.reference, model.answer.scanId]);
  if (facts.when && model.answer?.replay) rows.push([text.firstScanned, facts.when]);
  if (rows.length === 0) return '';
  return `<dl>${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
}

/**
 * The consumer's scan page: one small self-contained HTML document (inline CSS and SVG, no
 * script, no external request) telling the result in the reader's language. Every value that
 * comes from data is escaped.
 */
export function renderScanPage(model: ScanPageModel): string {
  const text = pageTexts[model.locale];
  const stateText = text.states[model.state];
  const facts = factsOf(model);
  const campaignName = model.campaign?.name;
  const body = [
    `<div class="em">${emblemSvg(model.state)}</div>`,
    campaignName ? `<p class="cp">${escapeHtml(campaignName)}</p>` : '',
    `<h1>${escapeHtml(stateText.title)}</h1>`,
    model.answer?.replay ? `<p class="replay">${escapeHtml(text.replayNote)}</p>` : '',
    `<p>${escapeHtml(stateText.lead(facts))}</p>`,
    prizeBlock(model, text),
    stateText.warning ? `<div class="note warn-box">${escapeHtml(stateText.warning)}</div>` : '',
    detailsList(model, text, facts),
  ].join('');
  return (
    `<!doctype html><html lang="${model.locale}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">' +
    // An empty data: icon keeps browsers from requesting /favicon.ico.
    `<link rel="icon" href="data:,"><title>${escapeHtml(stateText.title)}</title><style>${pageStyle}</style></head>` +
    `<body class="${pageTones[model.state]}"><main><div class="card">${body}</div></main></body></html>`
  );
}
