/**
 * CSV (RFC 4180) for spreadsheets. A field that a spreadsheet would read as a formula (starting
 * with = + - @, or a tab / carriage return that some strip before looking) gets a leading
 * apostrophe, so a device id or a name typed by someone cannot run as a formula (CSV injection).
 * Only text fields are guarded: numbers are written by the export itself and stay numbers.
 */
const formulaStart = /^[=+\-@\t\r]/;

export interface CsvField {
  readonly value: string;
  /** text that came from data (guarded), not a number the export wrote */
  readonly text: boolean;
}

export function csvField({ value, text }: CsvField): string {
  const guarded = text && formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) || guarded !== guarded.trim() ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** Lines end in CRLF; a UTF-8 byte order mark first, so spreadsheet programs read Chinese headers right. */
export function toCsv(rows: readonly (readonly CsvField[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** A Content-Disposition for a download: an ASCII filename, and the same in RFC 5987 form. */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
