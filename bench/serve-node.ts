/**
 * One Stockfeed server for `npm run bench -- serve`, in a process of its own (as several servers
 * behind a load balancer would be): the core and the REST API on 127.0.0.1, an ephemeral port.
 * Prints `{"port":N}` once listening; SIGTERM stops it; takes serve-control.ts's commands on stdin
 * (its CPU time so far, a CPU profile of a window).
 *
 *   tsx bench/serve-node.ts DATA_DIR DATABASE_URL TOKEN cache|nocache [REDIS_URL]
 */
import { openCore } from '../electron/core/core';
import { createApiServer } from '../electron/server/http/server';
import { silentLogger } from '../electron/core/logger';
import { answerControlCommands } from './serve-control';

async function main(): Promise<void> {
  const [dataDir, databaseUrl, token, cache, redisUrl] = process.argv.slice(2);
  if (!dataDir || !databaseUrl || !token) throw new Error('usage: serve-node.ts DATA_DIR DATABASE_URL TOKEN cache|nocache [REDIS_URL]');
  const core = await openCore({
    dataDir,
    databaseUrl,
    expirySweepMs: 0,
    readCache: cache !== 'nocache',
    redisUrl: redisUrl || undefined,
    redisPrefix: `bench${process.ppid}:`,
  });
  // Counts the storefront reads the route found at hand and those it had to read (cache misses).
  const counts = { atHand: 0, notAtHand: 0 };
  const peek = core.atHand['availability.get'];
  if (peek) {
    core.atHand['availability.get'] = (input) => {
      const ready = peek(input);
      if (ready === undefined) counts.notAtHand++;
      else counts.atHand++;
      return ready;
    };
  }
  const app = await createApiServer({ core, token, version: 'bench', logger: silentLogger, rateLimit: false });
  // Redis connects in the background: measure the cache, not its first second.
  for (let i = 0; i < 50 && core.cache.state() === 'degraded'; i++) await new Promise((r) => setTimeout(r, 100));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, cache: core.cache.state() })}\n`);
  answerControlCommands(() => ({ ...counts }));
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
