import type { PageState } from './page-state.js';

/**
 * One inline SVG per state: a disc in the state's accent colour (set by the stylesheet) with a
 * white line glyph, so the page needs no image request and stays a few hundred bytes heavier.
 */
const glyphs = {
  star: 'M32 13l5.6 11.8 12.9 1.6-9.5 8.9 2.4 12.8L32 41.8l-11.4 6.3 2.4-12.8-9.5-8.9 12.9-1.6z',
  check: 'M19 33l9 9 17-19',
  alert: 'M32 16v20M32 46v1',
  cross: 'M22 22l20 20M42 22L22 42',
  lock: 'M21 31h22v15H21zM25 31v-5a7 7 0 0 1 14 0v5',
  clock: 'M32 16a16 16 0 1 0 .1 0M32 22v10l7 5',
  flag: 'M22 48V16M22 17h20l-4 7 4 7H22',
  bars: 'M20 42V30M28 42V24M36 42V18M44 42V18',
  hourglass: 'M22 16h20M22 48h20M25 16l14 0-7 16 7 16H25l7-16z',
  slash: 'M32 16a16 16 0 1 0 .1 0M21 21l22 22',
  retry: 'M44 32a12 12 0 1 1-4-9M44 17v7h-7',
} as const;

const stateGlyphs: Record<PageState, keyof typeof glyphs> = {
  won: 'star',
  no_prize: 'check',
  already_redeemed: 'alert',
  invalid: 'cross',
  not_activated: 'lock',
  campaign_not_started: 'clock',
  campaign_ended: 'flag',
  limit_reached: 'bars',
  held: 'hourglass',
  blocked: 'slash',
  rate_limited: 'hourglass',
  unavailable: 'retry',
  bad_request: 'cross',
};

export function emblemSvg(state: PageState): string {
  return `<svg viewBox="0 0 64 64" aria-hidden="true"><circle cx="32" cy="32" r="30"/><path d="${glyphs[stateGlyphs[state]]}"/></svg>`;
}
