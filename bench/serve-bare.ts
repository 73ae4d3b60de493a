/**
 * A bare Fastify server for `npm run bench -- serve`: the availability route's path answering a
 * fixed body, with no hooks, no plugins and no core, so the bench can print what Fastify and
 * Node's HTTP parser cost per request on this machine, the floor under the real read path.
 * Prints `{"port":N}` once listening; takes serve-control.ts's commands on stdin (as
 * serve-node.ts); SIGTERM stops it.
 *
 *   tsx bench/serve-bare.ts
 */
import Fastify from 'fastify';
import { answerControlCommands } from './serve-control';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  const body = JSON.stringify({ sku: 'SERVE-0000', available: 100, availability: 'in_stock', availabilityDate: null });
  app.get('/api/v1/availability/:sku', async (_request, reply) => {
    reply.type('application/json; charset=utf-8');
    return body;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  answerControlCommands();
  process.on('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
