/**
 * The read load of `npm run bench -- serve`, in a process of its own so the load generator does
 * not share the server's event loop: autocannon against the availability endpoint, with a
 * storefront token, cycling over a list of SKUs. Prints `{"starting":true}` just before the load
 * starts (the bench opens its CPU window then, after this process's start-up), then autocannon's
 * result as one JSON line, with `cpuMs`: the CPU time this process used generating the load.
 *
 *   tsx bench/serve-load.ts URL TOKEN SECONDS CONNECTIONS SKU,SKU,...
 */
import autocannon from 'autocannon';

async function main(): Promise<void> {
  const [base, token, seconds, connections, skus] = process.argv.slice(2);
  if (!base || !token || !skus) throw new Error('usage: serve-load.ts URL TOKEN SECONDS CONNECTIONS SKUS');
  process.stdout.write(`${JSON.stringify({ starting: true })}\n`);
  const cpu0 = process.cpuUsage();
  const result = await autocannon({
    url: base,
    connections: Number(connections ?? 50),
    duration: Number(seconds ?? 10),
    headers: { authorization: `Bearer ${token}` },
    requests: skus.split(',').map((sku) => ({ method: 'GET', path: `/api/v1/availability/${encodeURIComponent(sku)}` })),
  });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ ...result, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
