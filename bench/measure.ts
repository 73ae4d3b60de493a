/** Timing, statistics and report helpers shared by the benchmark sections. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export type LatencySummary = { p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentile of an ascending array of milliseconds. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The middle of `values` (the mean of the two middle ones when their count is even). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarise(latenciesMs: number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

export type LoadResult = {
  /** Calls that resolved inside the measured window. */
  acknowledged: number;
  failed: number;
  firstError: string | null;
  seconds: number;
  perSecond: number;
  latency: LatencySummary;
  /**
   * The process's CPU time (every thread: the main one and the database driver's) in the window,
   * per acknowledged call: unlike calls per second, hardly moved by other work on the machine.
   */
  cpuMicrosPerCall: number;
};

/**
 * Runs `callers` concurrent loops, each awaiting one call at a time, for a warm-up (not counted)
 * and then a measured window. Only calls that start and finish inside the window are counted, so
 * the rate is acknowledged calls per second of wall-clock time.
 */
export async function closedLoop(options: {
  callers: number;
  warmupMs: number;
  durationMs: number;
  call: (caller: number, i: number) => Promise<unknown>;
}): Promise<LoadResult> {
  const { callers, warmupMs, durationMs, call } = options;
  const started = performance.now();
  const windowStart = started + warmupMs;
  const windowEnd = windowStart + durationMs;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let cpuAtStart = process.cpuUsage();
  const cpuTimer = setTimeout(() => (cpuAtStart = process.cpuUsage()), warmupMs);

  const loop = async (caller: number) => {
    for (let i = 0; ; i++) {
      const t0 = performance.now();
      if (t0 >= windowEnd) return;
      try {
        await call(caller, i);
        const t1 = performance.now();
        if (t0 >= windowStart && t1 <= windowEnd) latencies.push(t1 - t0);
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, c) => loop(c)));
  clearTimeout(cpuTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  const seconds = durationMs / 1000;
  return {
    cpuMicrosPerCall: latencies.length > 0 ? (cpu.user + cpu.system) / latencies.length : 0,
    acknowledged: latencies.length,
    failed,
    firstError,
    seconds,
    perSecond: latencies.length / seconds,
    latency: summarise(latencies),
  };
}

/** Awaits `call` back to back (one at a time) for the given time; returns calls per second. */
export async function serialLoop(durationMs: number, call: (i: number) => Promise<unknown>): Promise<{ count: number; perSecond: number }> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < durationMs) {
    await call(count);
    count++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { count, perSecond: count / seconds };
}

export function tempDir(root: string, prefix: string): string {
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, prefix));
}

/** The filesystem a path lives on (from /proc/mounts), because fsync cost depends on it. */
export function filesystemOf(target: string): string {
  try {
    const real = fs.realpathSync(target);
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((f) => f.length >= 3 && (real === f[1] || real.startsWith(f[1] === '/' ? '/' : `${f[1]}/`)));
    const best = mounts.sort((a, b) => (b[1] as string).length - (a[1] as string).length)[0];
    return best ? `${best[2]} (${best[0]} on ${best[1]})` : 'unknown';
  } catch {
    return 'unknown (no /proc/mounts)';
  }
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export const int = (n: number) => Math.round(n).toLocaleString('en-GB');
export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : 'n/a');
export const secondsSince = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** One indented report line: "  label ....... value". */
export function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(34, ' ')} ${value}`);
}
