import { redactFields, redactText } from './logging/redaction';

/** Structured context for a log line (ids, counts, durations); secrets never go here. */
export type LogFields = Record<string, unknown>;

/**
 * Where the core and its hosts write what happened: three levels, a sentence and optional fields.
 * The hosts pass the rotating file log (logging/file-logger.ts); tests and one-shot commands pass
 * one of the two below.
 */
export type Logger = {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
};

/** For tests and one-shot tools that have nobody to tell. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function consoleLine(level: string, msg: string, fields?: LogFields): void {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redactFields(fields))}` : '';
  process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${redactText(msg)}${extra}\n`);
}

/** Timestamped lines on stderr, so stdout stays free for what scripts parse (URLs, reports). */
export const consoleLogger: Logger = {
  info: (msg, fields) => consoleLine('info', msg, fields),
  warn: (msg, fields) => consoleLine('warn', msg, fields),
  error: (msg, fields) => consoleLine('error', msg, fields),
};
