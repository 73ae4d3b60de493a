import { parseArgs } from 'node:util';
import { AppError } from '../../shared/errors';
import { TokenFileError } from '../core/auth/token';
import { defaultDataDir } from '../core/data-dir';
import { StartupError } from '../core/db/startup-error';
import { CommandFailed, checkCommand, exportCommand, importCommand, type CliEnv, type CliIo } from './commands';
import { publishCommand } from './publish-command';
import { tokenCommand } from './token-command';
import { COMMANDS, COMMAND_HELP, GENERAL_HELP, type CommandName } from './usage';

/** Wrong arguments: exit code 2 and a pointer to the help. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  'dry-run': { type: 'boolean' },
  full: { type: 'boolean' },
  new: { type: 'boolean' },
} as const;

function isCommand(name: string | undefined): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name ?? '');
}

/** knex prefixes database errors with the whole statement, which can be megabytes long. */
const LONG_MESSAGE = 300;

/** A readable sentence for any error; node's connection errors can arrive with an empty message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Long on purpose: it names the file and the way back.
  if (error instanceof TokenFileError) return error.message;
  if (error.message.length > LONG_MESSAGE) {
    const cause = error.message.slice(error.message.lastIndexOf(' - ') + 3);
    return `database error: ${cause.slice(0, LONG_MESSAGE)}`;
  }
  if (error.message) return error.message;
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

function parseArgv(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describe(error));
  }
}

async function dispatch(argv: string[], io: CliIo, processEnv: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgv(argv);
  const [first, ...rest] = positionals;

  if (first === undefined || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) throw new UsageError(`There is no command "${topic}".`);
    if (first === undefined && !values.help) {
      io.err(GENERAL_HELP);
      return 2;
    }
    io.out(topic ? COMMAND_HELP[topic] : GENERAL_HELP);
    return 0;
  }
  if (!isCommand(first)) throw new UsageError(`There is no command "${first}"; the commands are ${COMMANDS.join(', ')}.`);
  const command = first;
  if (values.help) {
    io.out(COMMAND_HELP[command]);
    return 0;
  }
  if (values['dry-run'] && command !== 'import') throw new UsageError('--dry-run applies only to import.', command);
  if (values.full && command !== 'publish') throw new UsageError('--full applies only to publish.', command);
  if (values.new && command !== 'token') throw new UsageError('--new applies only to token.', command);
  if (values.data !== undefined && values.data.trim() === '') throw new UsageError('--data needs a folder.', command);
  const env: CliEnv = {
    dataDir: values.data ?? defaultDataDir(processEnv),
    databaseUrl: processEnv.DATABASE_URL || undefined,
  };

  const expected = command === 'check' || command === 'publish' || command === 'token' ? 0 : 1;
  if (rest.length !== expected) {
    const what = expected === 0 ? 'takes no file' : 'needs exactly one file name';
    throw new UsageError(`${command} ${what} (got ${rest.length === 0 ? 'none' : rest.map((a) => `"${a}"`).join(', ')}).`, command);
  }
  const file = rest[0] as string;
  switch (command) {
    case 'import':
      return importCommand(env, io, file, values['dry-run'] ?? false);
    case 'export':
      return exportCommand(env, io, file);
    case 'check':
      return checkCommand(env, io);
    case 'publish':
      return publishCommand(env, io, values.full ?? false);
    case 'token':
      return tokenCommand(env, io, values.new ?? false);
  }
}

/**
 * Runs one CLI command and returns its exit code: 0 done, 1 failed (reason printed), 2 usage.
 * Expected failures print one sentence, never a stack trace; STOCKFEED_DEBUG=1 adds the stack
 * of unexpected ones.
 */
export async function runCli(argv: string[], io: CliIo, processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await dispatch(argv, io, processEnv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err(`Run "npm run cli -- ${error.command ?? ''}${error.command ? ' ' : ''}--help" for usage.`);
      return 2;
    }
    // The database is unusable: the same one sentence the server prints, in full.
    if (error instanceof StartupError) {
      io.err(`Stockfeed could not start: ${error.message}`);
      return 1;
    }
    io.err(`error: ${describe(error)}`);
    const expected = error instanceof CommandFailed || error instanceof AppError || error instanceof TokenFileError;
    if (!expected && processEnv.STOCKFEED_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return 1;
  }
}
