import type { ReviewDecision } from '../redis/settle-review.js';
import { isReviewDecision } from './settle.js';

/** One line of an uploaded `scanId,decision[,note]` file. */
export type CsvLine =
  | { readonly line: number; readonly ok: true; readonly scanId: string; readonly decision: ReviewDecision; readonly note: string | null }
  | { readonly line: number; readonly ok: false; readonly scanId: string; readonly problem: string };

/** An upload larger than this is refused whole: it would hold the reviewer's request for minutes. */
export const MAX_CSV_LINES = 10_000;

const header = /^\s*scan_?id\s*,\s*decision\s*(,\s*note\s*)?$/i;

/** A note may be quoted (RFC 4180: "" inside is one "), so it may hold commas. */
function unquote(field: string): string | null {
  if (!field.startsWith('"')) return field;
  if (field.length < 2 || !field.endsWith('"')) return null;
  const inner = field.slice(1, -1);
  return inner.replace(/""/g, '').includes('"') ? null : inner.replace(/""/g, '"');
}

function parseLine(text: string, line: number): CsvLine {
  const first = text.indexOf(',');
  const second = first < 0 ? -1 : text.indexOf(',', first + 1);
  const scanId = (first < 0 ? text : text.slice(0, first)).trim();
  if (first < 0) return { line, ok: false, scanId, problem: 'expected scanId,decision[,note]' };
  const decision = (second < 0 ? text.slice(first + 1) : text.slice(first + 1, second)).trim().toLowerCase();
  if (!isReviewDecision(decision)) return { line, ok: false, scanId, problem: 'decision must be approve or reject' };
  const note = second < 0 ? '' : unquote(text.slice(second + 1).trim());
  if (note === null) return { line, ok: false, scanId, problem: 'the note has unbalanced quotes' };
  return { line, ok: true, scanId, decision, note: note === '' ? null : note };
}

/** Every non-blank line but an optional header, numbered as the file numbers them (1-based). */
export function parseReviewCsv(text: string): CsvLine[] {
  const lines = text.split(/\r?\n/);
  const parsed: CsvLine[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '' || (index === 0 && header.test(raw))) return;
    parsed.push(parseLine(raw, index + 1));
  });
  return parsed;
}
