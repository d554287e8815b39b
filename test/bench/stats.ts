import { readFileSync } from 'node:fs';

/** Small statistics helpers for the benchmarks. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** Wall time of `fn` in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Resident set size of a process, in MB, from /proc. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** A benchmark line: figure, target and whether it is met. */
export function report(name: string, figure: string, target?: { ok: boolean; text: string }): void {
  const verdict = target ? `  [target ${target.text}: ${target.ok ? 'met' : 'NOT MET'}]` : '';
  process.stdout.write(`${name.padEnd(58)} ${figure}${verdict}\n`);
}
