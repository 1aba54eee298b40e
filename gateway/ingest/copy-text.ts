/**
 * Postgres COPY text format (tab-separated, `\N` for null). Every string the ingest copies is
 * validated to a narrow pattern already; escaping anyway keeps a future field from breaking rows.
 */
export type CopyValue = string | number | boolean | null;

const special = /[\\\t\n\r]/;
const specialAll = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'string') return special.test(value) ? value.replace(specialAll, (c) => escapes[c] as string) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}

export function copyLine(values: readonly CopyValue[]): string {
  let line = field(values[0] ?? null);
  for (let i = 1; i < values.length; i++) line += '\t' + field(values[i] as CopyValue);
  return line + '\n';
}
