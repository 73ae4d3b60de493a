/**
 * The headless host: the same core as the desktop app, with the REST API and the built UI over
 * HTTP. `npm run serve -- --data DIR [--port N] [--host 127.0.0.1] [--allowed-hosts NAMES] [--trust-proxy ADDRESSES]`
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApiServer } from './http/server';
import { rateLimitFromEnv } from './http/hardening';
import { parseAllowedHosts } from './http/host-check';
import { parseTrustedProxies } from './http/trusted-proxies';
import { SIGN_IN_CODE_TTL_MS, SignInCodes } from './http/sign-in-codes';
import { openCore } from '../core/core';
import { defaultDataDir } from '../core/data-dir';
import { VERSION } from '../core/version';
import { consoleLogger } from '../core/logger';
import { openHostLogger } from '../core/logging/file-logger';

const HELP = `Usage: npm run serve -- [--data DIR] [--port N] [--host ADDRESS] [--allowed-hosts NAMES] [--trust-proxy ADDRESSES]

Runs Stockfeed without Electron: the REST API under /api/v1 and the UI in your browser.
  --data DIR             data folder (default: ${defaultDataDir()})
  --port N               port to listen on (default 4780; 0 picks a free one)
  --host ADDR            address to bind (default 127.0.0.1; anything else exposes the API to your network)
  --allowed-hosts NAMES  host names the server answers to besides localhost, IP addresses and --host,
                         comma-separated (e.g. stock.example.com behind a reverse proxy); requests
                         for any other name get 421, so a DNS-rebinding web page cannot reach the API
  --trust-proxy ADDRESSES  behind a reverse proxy (nginx, Caddy): its IP addresses or ranges, comma-separated
                         (e.g. 127.0.0.1); X-Forwarded-For, -Host and -Proto are believed from them only, so
                         the limits on wrong tokens and passwords count each client apart. Off by default:
                         without it every client behind the proxy counts as the proxy's one address
Environment: DATABASE_URL=postgres://… uses PostgreSQL instead of the SQLite file in the data folder;
             REDIS_URL=redis://… keeps the read cache in Redis, shared by every server (default: in this process);
             STOCKFEED_LEASE_MS: how long the publisher lease of several servers lasts unrenewed (default 30000);
             STOCKFEED_API_TOKEN sets the API token (otherwise one is generated and kept in DIR/api-token);
             STOCKFEED_ALLOWED_HOSTS is --allowed-hosts when the flag is not given;
             STOCKFEED_TRUST_PROXY is --trust-proxy when the flag is not given;
             STOCKFEED_RATE_LIMIT sets the requests per minute per token (default 1200; 0 for no limit,
             which also lifts the limit of 20 wrong tokens a minute per client address);
             STOCKFEED_STOREFRONT_RATE_LIMIT sets it per storefront token (default 60000, 1,000 a second).`;

/**
 * The built UI: beside this file when it runs built (out/main/server.js → out/renderer), or in the
 * repository's out/ when it runs from source (electron/server/main.ts).
 */
function rendererDir(here: string): string {
  const built = path.resolve(here, '../renderer');
  return fs.existsSync(path.join(built, 'index.html')) ? built : path.resolve(here, '../../out/renderer');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' },
        port: { type: 'string', default: '4780' },
        host: { type: 'string', default: '127.0.0.1' },
        'allowed-hosts': { type: 'string' },
        'trust-proxy': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535 (got "${values.port}")`);
  const dataDir = path.resolve(values.data ?? defaultDataDir());
  const host = values.host;
  const log = await openHostLogger(dataDir, consoleLogger, VERSION);
  let allowedHosts: string[] = [];
  let trustProxy: string[] = [];
  try {
    const flag = values['allowed-hosts'];
    allowedHosts = flag !== undefined ? parseAllowedHosts(flag, '--allowed-hosts') : parseAllowedHosts(process.env.STOCKFEED_ALLOWED_HOSTS, 'STOCKFEED_ALLOWED_HOSTS');
    const proxies = values['trust-proxy'];
    trustProxy = proxies !== undefined ? parseTrustedProxies(proxies, '--trust-proxy') : parseTrustedProxies(process.env.STOCKFEED_TRUST_PROXY, 'STOCKFEED_TRUST_PROXY');
  } catch (error) {
    fail((error as Error).message);
  }
  // Bound to a name (--host stock.lan), the server answers to that name; addresses are always answered.
  if (net.isIP(host) === 0) allowedHosts.push(host.toLowerCase());

  const leaseMs = Number(process.env.STOCKFEED_LEASE_MS ?? '');
  const core = await openCore({
    dataDir,
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    logger: log,
    // How long the publisher lease of several servers lasts without renewal (default 30 s).
    leases: Number.isInteger(leaseMs) && leaseMs >= 300 ? { ttlMs: leaseMs } : undefined,
  });
  if (log.problem) log.warn(log.problem);
  // Read (or issued) now, so a missing or damaged token file stops the start with its fix. The
  // server reads it through core.tokens on every request, so a rotation takes effect at once.
  core.tokens.current();
  const staticDir = rendererDir(path.dirname(fileURLToPath(import.meta.url)));
  // The printed link carries a one-time code, not the token: the output may end up in a log.
  const signInCodes = new SignInCodes();
  const app = await createApiServer({ core, version: VERSION, staticDir, logger: log, rateLimit: rateLimitFromEnv(), allowedHosts, trustProxy, signInCodes });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: shutting down`);
    await app.close();
    await core.close();
    await log.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const base = `http://${shown}:${actualPort}`;
  const engine = core.config.kind === 'pg' ? 'PostgreSQL' : `SQLite (${core.config.file})`;
  // Until the owner has an account, everyone signs in with the token (or the link); say how to change that.
  const people =
    (await core.users.count()) === 0
      ? ['No one has an account yet: open the link above and create yours in Settings → People, or run `npm run cli -- user add --role owner NAME`.']
      : [];
  const cache = process.env.REDIS_URL ? `Redis (${core.cache.state() === 'redis' ? 'connected' : 'unreachable: reading from the database until it is back'})` : 'in this process';
  process.stdout.write(
    [
      `Stockfeed ${VERSION} listening on ${base}`,
      `Data folder: ${dataDir}`,
      `Database: ${engine}`,
      `Read cache: ${cache}`,
      `API: ${base}/api/v1 (Authorization: Bearer <token from ${path.join(dataDir, 'api-token')}>)`,
      `Open the app, signed in: ${base}/#signin=${signInCodes.issue()} (works once, within ${SIGN_IN_CODE_TTL_MS / 60_000} minutes; after that, sign in with the token)`,
      `Published files (read-only): ${base}/feeds/google-merchant.xml, ${base}/feeds/sitemap.xml (folder: ${core.publisher.publishDir()})`,
      `Answers to: localhost, IP addresses${allowedHosts.length > 0 ? `, ${allowedHosts.join(', ')}` : ''} (--allowed-hosts adds names)`,
      ...(trustProxy.length > 0 ? [`Client addresses: from X-Forwarded-For when the request comes through ${trustProxy.join(', ')} (--trust-proxy)`] : []),
      ...people,
      '',
    ].join('\n'),
  );
  // Catches up with the database (a full pass over the catalogue), then follows every change.
  core.publisher.start().catch((error: Error) => log.error(`publishing failed: ${error.message}`));
  if (!/^(127\.|::1$|localhost$)/.test(host)) {
    log.warn(`listening on ${host}: anyone who can reach this address and has the token can change your stock`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`Stockfeed could not start: ${error.message}\n`);
  process.exit(1);
});
