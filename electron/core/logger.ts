import type { Logger } from './db/migrate';

/** Timestamped lines on stderr, so stdout stays free for what scripts parse (URLs, reports). */
export const consoleLogger: Logger = {
  info: (msg) => process.stderr.write(`${new Date().toISOString()} info  ${msg}\n`),
  warn: (msg) => process.stderr.write(`${new Date().toISOString()} warn  ${msg}\n`),
  error: (msg) => process.stderr.write(`${new Date().toISOString()} error ${msg}\n`),
};
