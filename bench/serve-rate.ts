/**
 * The fixed-rate read load of `npm run bench -- serve`, in a process of its own: availability
 * reads sent at a steady rate (open loop) over keep-alive connections, each request's latency
 * counted from the moment it was due to be sent, not from when it went out.
 *
 * Why not autocannon here: its closed loop (each connection waits for its answer) measures the
 * most the server can do, and at that point every request waits behind the others: the p99 is the
 * queue of its 50 connections, not the server's latency at a given load. Its `overallRate` sends
 * each second's budget as fast as it can and then pauses until the next second (httpClient.js resets
 * `reqsMadeThisSecond` once a second), which measures bursts, not a steady rate. This sends each
 * request at its own time, pipelined on a connection whose previous answer is late, and charges a
 * stall to every request it delayed (the correction for coordinated omission, as wrk2 does).
 *
 * The first WARMUP seconds (default 0) are sent at the same rate and not counted: a server just
 * started compiles its read path under the load, and the backlog of that first second (stalls of
 * up to ~400 ms, measured with monitorEventLoopDelay) takes seconds to drain at 10,000/s. What
 * the target asks about is a server that has been running; the bench says which it measured.
 *
 * Prints `{"starting":true}` when the counted window starts (after the warm-up), then one JSON
 * line with the result.
 *
 *   tsx bench/serve-rate.ts URL TOKEN SECONDS RATE CONNECTIONS SKU,SKU,... [WARMUP]
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { takeAnswers, type Connection } from './http-answers';
import { summarise, type LatencySummary } from './measure';

export type RateResult = {
  offered: number;
  sent: number;
  completed: number;
  /** Answers received per second of the window. */
  perSecond: number;
  latency: LatencySummary;
  non2xx: number;
  /** Requests still unanswered when the window closed (counted as late as the window allowed). */
  unanswered: number;
  cpuMs: number;
};

async function main(): Promise<void> {
  const [base, token, secondsArg, rateArg, connectionsArg, skus, warmupArg] = process.argv.slice(2);
  if (!base || !token || !skus) throw new Error('usage: serve-rate.ts URL TOKEN SECONDS RATE CONNECTIONS SKUS');
  const url = new URL(base);
  const seconds = Number(secondsArg ?? 10);
  const rate = Number(rateArg ?? 10_000);
  const warmup = Number(warmupArg ?? 0);
  const requests = skus.split(',').map((sku) =>
    Buffer.from(`GET /api/v1/availability/${encodeURIComponent(sku)} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n\r\n`, 'latin1'),
  );
  const latencies: number[] = [];
  let non2xx = 0;
  // Set when the load starts: answers to requests due before it are not counted.
  let measureFrom = Infinity;
  const connections: Connection[] = await Promise.all(
    Array.from(
      { length: Number(connectionsArg ?? 50) },
      () =>
        new Promise<Connection>((resolve, reject) => {
          const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => resolve(conn));
          socket.setNoDelay(true);
          const conn: Connection = { socket, due: [], head: 0, buffer: Buffer.alloc(0) };
          socket.once('error', reject);
          socket.on('data', (chunk: Buffer) => {
            conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
            const now = performance.now();
            takeAnswers(conn, (status) => {
              const due = conn.due[conn.head++] as number;
              if (due < measureFrom) return;
              latencies.push(now - due);
              if (status < 200 || status > 299) non2xx++;
            });
            if (conn.head > 1024) {
              conn.due = conn.due.slice(conn.head);
              conn.head = 0;
            }
          });
        }),
    ),
  );

  let cpu0 = process.cpuUsage();
  const start = performance.now();
  measureFrom = start + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  const total = Math.floor(rate * (warmup + seconds));
  const warmupRequests = Math.floor(rate * warmup);
  let sent = 0;
  let answeredInWindow = 0;
  let measuring = false;
  const startMeasuring = () => {
    measuring = true;
    cpu0 = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ starting: true })}\n`);
  };
  if (warmup <= 0) startMeasuring();
  // Every millisecond, whatever fell due since: a late tick sends the late requests at once, each
  // still timed from its own due moment.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (!measuring && now >= measureFrom) startMeasuring();
      const dueNow = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      const batches = new Map<Connection, Buffer[]>();
      for (; sent < dueNow; sent++) {
        const conn = connections[sent % connections.length] as Connection;
        conn.due.push(start + (sent * 1000) / rate);
        const list = batches.get(conn) ?? [];
        list.push(requests[sent % requests.length] as Buffer);
        batches.set(conn, list);
      }
      for (const [conn, list] of batches) conn.socket.write(list.length === 1 ? (list[0] as Buffer) : Buffer.concat(list));
      if (now >= end) {
        answeredInWindow = latencies.length;
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // The answers still on their way, for at most a second more.
  const measuredSent = sent - warmupRequests;
  const completed = () => latencies.length;
  const waitUntil = performance.now() + 1000;
  while (completed() < measuredSent && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
  const finished = performance.now();
  const unanswered = measuredSent - completed();
  // An unanswered request is at least as late as the wait allowed: it counts, it is not dropped.
  for (const conn of connections) {
    for (let i = conn.head; i < conn.due.length; i++) if ((conn.due[i] as number) >= measureFrom) latencies.push(finished - (conn.due[i] as number));
  }
  const cpu = process.cpuUsage(cpu0);
  for (const conn of connections) conn.socket.destroy();
  const result: RateResult = {
    offered: rate,
    sent: measuredSent,
    completed: measuredSent - unanswered,
    perSecond: answeredInWindow / seconds,
    latency: summarise(latencies),
    non2xx,
    unanswered,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
