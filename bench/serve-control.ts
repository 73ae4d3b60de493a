/**
 * The commands a bench server process (serve-node.ts, serve-bare.ts) takes on stdin, one a line,
 * each answered with one JSON line on stdout:
 *
 *   cpu                 → {"cpuMicros":N,"systemMicros":S,"gcMicros":M,"rssMb":R}: CPU time the process has used so far
 *                         (process.cpuUsage, every thread), so the bench can say what a fixed
 *                         number of reads cost, a figure other work on the machine hardly moves
 *                         (unlike reads per second), S of it in the kernel (socket writes and reads); and the time spent
 *                         collecting garbage
 *   profile-start       → {"profiling":true}: starts the V8 CPU profiler (node:inspector)
 *   profile-stop FILE   → {"profile":FILE}: stops it and writes the .cpuprofile (open it in Chrome's
 *                         DevTools), so a profile covers the measured window and not the start-up
 *   heap-start          → {"sampling":true}: starts sampling allocations (what feeds the collector)
 *   heap-stop FILE      → {"heapProfile":FILE}: stops it and writes the .heapprofile
 *   loop-start          → {"loop":true}: starts counting event-loop delay (monitorEventLoopDelay,
 *                         1 ms resolution) and garbage collections by kind, from now on
 *   loop-stop           → {"loopDelay":{p50,p99,max,over2,over5},"gc":{kind:{count,ms,max}}}: what
 *                         they saw since loop-start (delay in ms; over2/over5: how many collections
 *                         paused longer than 2 and 5 ms), the figures that say what blocked reads
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** `counters`: more figures for the `cpu` answer (serve-node.ts: the reads answered at hand and not). */
export function answerControlCommands(counters: () => Record<string, number> = () => ({})): void {
  let session: Session | null = null;
  let gcMicros = 0;
  let loop: IntervalHistogram | null = null;
  let gcKinds: Map<string, { count: number; ms: number; max: number; over2: number; over5: number }> | null = null;
  const kindName: Record<number, string> = { 1: 'scavenge', 2: 'mark-sweep-compact', 4: 'incremental', 8: 'weak-callbacks', 16: 'minor-mark-sweep' };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMicros += entry.duration * 1000;
      if (!gcKinds) continue;
      const kind = kindName[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      const k = gcKinds.get(kind) ?? { count: 0, ms: 0, max: 0, over2: 0, over5: 0 };
      k.count++;
      k.ms += entry.duration;
      k.max = Math.max(k.max, entry.duration);
      if (entry.duration > 2) k.over2++;
      if (entry.duration > 5) k.over5++;
      gcKinds.set(kind, k);
    }
  }).observe({ entryTypes: ['gc'] });
  const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/, 2);
    if (command === 'cpu') {
      const cpu = process.cpuUsage();
      answer({ cpuMicros: cpu.user + cpu.system, systemMicros: cpu.system, gcMicros: Math.round(gcMicros), rssMb: Math.round(process.memoryUsage.rss() / 1e5) / 10, ...counters() });
    } else if (command === 'loop-start') {
      loop?.disable();
      loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      gcKinds = new Map();
      answer({ loop: true });
    } else if (command === 'loop-stop' && loop) {
      loop.disable();
      const h = loop;
      const msOf = (ns: number) => Math.round(ns / 1e4) / 100;
      answer({
        loopDelay: { p50: msOf(h.percentile(50)), p99: msOf(h.percentile(99)), p999: msOf(h.percentile(99.9)), max: msOf(h.max), count: h.count },
        gc: Object.fromEntries([...(gcKinds ?? new Map()).entries()].map(([kind, k]) => [kind, { ...k, ms: Math.round(k.ms * 100) / 100, max: Math.round(k.max * 100) / 100 }])),
      });
      loop = null;
      gcKinds = null;
    } else if (command === 'profile-start') {
      session = new Session();
      session.connect();
      void session
        .post('Profiler.enable')
        .then(() => session?.post('Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => session?.post('Profiler.start'))
        .then(() => answer({ profiling: true }));
    } else if (command === 'heap-start') {
      session = new Session();
      session.connect();
      void session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: process.env.STOCKFEED_HEAP_ALL === '1', includeObjectsCollectedByMinorGC: process.env.STOCKFEED_HEAP_ALL === '1' }).then(() => answer({ sampling: true }));
    } else if ((command === 'heap-stop' || command === 'profile-stop') && argument && session) {
      const current = session;
      session = null;
      const stopped = command === 'heap-stop' ? current.post('HeapProfiler.stopSampling') : current.post('Profiler.stop');
      void stopped.then(({ profile }) => {
        fs.writeFileSync(argument, JSON.stringify(profile));
        current.disconnect();
        answer(command === 'heap-stop' ? { heapProfile: argument } : { profile: argument });
      });
    }
  });
}
