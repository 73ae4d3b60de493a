/** Where the core and its hosts write what happened: three levels, no configuration. */
export type Logger = { info(msg: string): void; warn(msg: string): void; error(msg: string): void };

/** For tests and one-shot tools that have nobody to tell. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Timestamped lines on stderr, so stdout stays free for what scripts parse (URLs, reports). */
export const consoleLogger: Logger = {
  info: (msg) => process.stderr.write(`${new Date().toISOString()} info  ${msg}\n`),
  warn: (msg) => process.stderr.write(`${new Date().toISOString()} warn  ${msg}\n`),
  error: (msg) => process.stderr.write(`${new Date().toISOString()} error ${msg}\n`),
};
