/**
 * The commands a bench server process (serve-node.ts, serve-bare.ts) takes on stdin, one a line,
 * each answered with one JSON line on stdout:
 *
 *   cpu                 → {"cpuMicros":N,"gcMicros":M}: CPU time the process has used so far
 *                         (process.cpuUsage, every thread), so the bench can say what a fixed
 *                         number of reads cost, a figure other work on the machine hardly moves
 *                         (unlike reads per second); and the time spent collecting garbage
 *   profile-start       → {"profiling":true}: starts the V8 CPU profiler (node:inspector)
 *   profile-stop FILE   → {"profile":FILE}: stops it and writes the .cpuprofile (open it in Chrome's
 *                         DevTools), so a profile covers the measured window and not the start-up
 *   heap-start          → {"sampling":true}: starts sampling allocations (what feeds the collector)
 *   heap-stop FILE      → {"heapProfile":FILE}: stops it and writes the .heapprofile
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export function answerControlCommands(): void {
  let session: Session | null = null;
  let gcMicros = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMicros += entry.duration * 1000;
  }).observe({ entryTypes: ['gc'] });
  const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/, 2);
    if (command === 'cpu') {
      const cpu = process.cpuUsage();
      answer({ cpuMicros: cpu.user + cpu.system, gcMicros: Math.round(gcMicros) });
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
