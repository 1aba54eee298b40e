import { performance } from 'node:perf_hooks';

/**
 * Shared measurement and printing for the benchmarks. Work is timed in slices of many operations
 * (timing each 1 µs operation alone would measure the clock), so percentiles are of the
 * per-operation cost within a slice: they show jitter (GC, a busy machine), not single outliers.
 */
export interface Measurement {
  readonly label: string;
  readonly ops: number;
  readonly seconds: number;
  /** microseconds per operation in each timed slice */
  readonly sliceMicros: readonly number[];
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export const opsPerSecond = (m: Measurement): number => m.ops / m.seconds;

/** Runs `runSlice(i)` for i = 0..slices-1, each doing `opsPerSlice` operations, and times each. */
export function timeSlices(label: string, slices: number, opsPerSlice: number, runSlice: (slice: number) => void): Measurement {
  const sliceMicros: number[] = [];
  const started = performance.now();
  let last = started;
  for (let slice = 0; slice < slices; slice++) {
    runSlice(slice);
    const now = performance.now();
    sliceMicros.push(((now - last) * 1000) / opsPerSlice);
    last = now;
  }
  return { label, ops: slices * opsPerSlice, seconds: (last - started) / 1000, sliceMicros };
}

/** Of several rounds of the same work, the one with the median throughput. */
export function medianRound(rounds: readonly Measurement[]): Measurement {
  const sorted = [...rounds].sort((a, b) => opsPerSecond(a) - opsPerSecond(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as Measurement;
}

export const format = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** One row per measurement: ops/s and the µs/op percentiles. */
export function printMeasurements(title: string, measurements: readonly Measurement[]): void {
  const header = ['', 'ops/s', 'p50 µs', 'p95 µs', 'p99 µs', 'ops'];
  const rows = measurements.map((m) => {
    const sorted = [...m.sliceMicros].sort((a, b) => a - b);
    return [m.label, format(opsPerSecond(m)), format(percentile(sorted, 50), 3), format(percentile(sorted, 95), 3), format(percentile(sorted, 99), 3), format(m.ops)];
  });
  printTable(title, header, rows);
}

/** A title, then columns sized to fit: the first left-aligned (labels), the rest right-aligned. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  console.log(title);
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
}
