/**
 * Who used the machine's CPU during a measured window: named processes (a server, the load
 * generator), this process, and the machine as a whole, so a figure measured on shared cores says
 * how much of them the load generator itself took and how much went to everything else
 * (PostgreSQL, Redis, other work on the machine). Process figures come from /proc (Linux); where
 * it is missing they are reported as unknown rather than guessed.
 */
import fs from 'node:fs';
import os from 'node:os';

/** CPU time (user + system) a process has used so far, in ms; null where /proc cannot tell. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) are 3…; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Linux reports clock ticks; USER_HZ is 100 on every Linux Node runs on.
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/**
 * Processes whose command line contains `text` (Linux): PostgreSQL names each backend after its
 * database (`postgres: user dbname 127.0.0.1(port) idle`), so the bench's own database's backends
 * can be told from other work on a shared server. Empty where /proc cannot tell.
 */
export function pidsWithCommandLine(text: string): number[] {
  try {
    const pids: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
      } catch {
        // Gone since the listing.
      }
    }
    return pids;
  } catch {
    return [];
  }
}

/** Busy and total CPU time of the whole machine so far, in ms summed over its cores. */
function machineCpuMs(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

export type CpuShare = {
  seconds: number;
  cores: number;
  /** Per named process: share of one core over the window (1 = a whole core); null when unknown. */
  processes: Record<string, number | null>;
  /** This process (the bench itself: the writer) as a share of one core. */
  self: number;
  /** The whole machine: busy share of all its cores (1 = every core busy). */
  machineBusy: number;
  /** Cores' worth of busy time outside the named processes and this one (database, Redis, other work). */
  elsewhere: number;
};

/** Starts a window over `pids`; `end()` reports each one's share. */
export function cpuWindow(pids: Record<string, number[]>): { end(): CpuShare } {
  const started = performance.now();
  const machine0 = machineCpuMs();
  const self0 = process.cpuUsage();
  const sum = (list: number[]): number | null => {
    let total = 0;
    for (const pid of list) {
      const used = processCpuMs(pid);
      if (used === null) return null;
      total += used;
    }
    return total;
  };
  const before = Object.fromEntries(Object.entries(pids).map(([name, list]) => [name, sum(list)]));
  return {
    end() {
      const wallMs = performance.now() - started;
      const machine1 = machineCpuMs();
      const self = process.cpuUsage(self0);
      const cores = os.cpus().length;
      const processes: Record<string, number | null> = {};
      let named = 0;
      for (const [name, list] of Object.entries(pids)) {
        const b = before[name];
        const a = sum(list);
        processes[name] = a === null || b === null || b === undefined ? null : (a - b) / wallMs;
        named += processes[name] ?? 0;
      }
      const selfShare = (self.user + self.system) / 1000 / wallMs;
      const busyMs = machine1.busy - machine0.busy;
      const totalMs = machine1.total - machine0.total;
      return {
        seconds: wallMs / 1000,
        cores,
        processes,
        self: selfShare,
        machineBusy: totalMs > 0 ? busyMs / totalMs : 0,
        elsewhere: Math.max(0, busyMs / wallMs - named - selfShare),
      };
    },
  };
}

/** "85% of a core" (or "unknown"). */
export const ofCore = (share: number | null | undefined) => (share === null || share === undefined ? 'unknown' : `${Math.round(share * 100)}% of a core`);
