import { html, type Html } from '../html.js';

const width = 120;
const height = 28;

/**
 * A KPI card's trend as inline SVG: drawn by the server, so it shows without script, and with
 * no style attribute (the CSP allows none; admin.css colours it).
 */
export function sparkline(values: readonly number[], label: string): Html {
  if (values.length < 2) return html``;
  const max = Math.max(...values);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const points = values.map((value, i) => `${((i / (values.length - 1)) * width).toFixed(1)},${(height - 2 - ((value - min) / span) * (height - 4)).toFixed(1)}`).join(' ');
  return html`<svg class="sparkline" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${label}"><polyline points="${points}" vector-effect="non-scaling-stroke"/></svg>`;
}
