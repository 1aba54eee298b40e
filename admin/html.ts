/**
 * Server-rendered HTML that escapes by default: every value interpolated into `html`...`` is
 * escaped unless it is itself an `Html` (another template, or a `raw()` of trusted markup).
 * Arrays are joined, null/undefined/false render nothing.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => entities[ch] as string);
}

/** Markup the code itself wrote (never text that came from a request or the database). */
export const raw = (trusted: string): Html => new Html(trusted);

type Value = Html | string | number | bigint | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] as string;
  values.forEach((value, i) => (out += render(value) + (strings[i + 1] as string)));
  return new Html(out);
}
