import { parseArgs } from 'node:util';
import { IMPORT_PRESETS, type ImportPreset } from '../../shared/csv/import-presets';
import type { ImportMapping } from '../../shared/csv/import-fields';
import { importMappingSchema } from '../../shared/schemas/catalog';
import { AppError } from '../../shared/errors';
import { TokenFileError } from '../core/auth/token';
import { defaultDataDir } from '../core/data-dir';
import { StartupError } from '../core/db/startup-error';
import { CommandFailed, checkCommand, exportCommand, importCommand, type CliEnv, type CliIo } from './commands';
import { publishCommand } from './publish-command';
import { suggestionsCommand } from './suggestions-command';
import { tokenCommand } from './token-command';
import { backupCommand, backupsCommand, restoreCommand } from './backup-commands';
import { diagnoseCommand } from './diagnose-command';
import { readNewPassword } from './password-input';
import { USER_ACTIONS, userCommand, type UserAction } from './user-command';
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
  preset: { type: 'string' },
  map: { type: 'string', multiple: true },
  full: { type: 'boolean' },
  new: { type: 'boolean' },
  supplier: { type: 'string' },
  to: { type: 'string' },
  role: { type: 'string' },
  generate: { type: 'boolean' },
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

/**
 * `--map "Article number=sku"`, once per field, as the mapping the HTTP route and the import
 * screen send: checked by the same schema (a field that does not exist), then by the import
 * itself against the header (a column missing, a column chosen for two fields, a required field
 * left out). Split at the last `=`, since a field's name never holds one and a column's may.
 */
function parseMapping(pairs: readonly string[], command: CommandName): ImportMapping {
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const column = pair.slice(0, Math.max(at, 0)).trim();
    const field = pair.slice(at + 1).trim();
    if (at < 0 || column === '' || field === '') {
      throw new UsageError(`--map takes a column of the file and a field, as --map "Article number=sku" (got "${pair}").`, command);
    }
    const earlier = mapping[field];
    if (earlier !== undefined) {
      throw new UsageError(`--map gives ${field} two columns ("${earlier}" and "${column}"); choose one.`, command);
    }
    mapping[field] = column;
  }
  const checked = importMappingSchema.safeParse(mapping);
  if (!checked.success) throw new UsageError(`--map: ${checked.error.issues.map((i) => i.message).join('; ')}.`, command);
  return checked.data;
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
  if (values.preset !== undefined && command !== 'import') throw new UsageError('--preset applies only to import.', command);
  const preset = values.preset;
  if (preset !== undefined && !(IMPORT_PRESETS as readonly string[]).includes(preset)) {
    throw new UsageError(`--preset is ${IMPORT_PRESETS.join(' or ')} (got "${preset}").`, command);
  }
  if (values.map !== undefined && command !== 'import') throw new UsageError('--map applies only to import.', command);
  const mapping = values.map === undefined ? undefined : parseMapping(values.map, command);
  if (values.full && command !== 'publish') throw new UsageError('--full applies only to publish.', command);
  if (values.new && command !== 'token') throw new UsageError('--new applies only to token.', command);
  if (values.supplier !== undefined && command !== 'suggestions') throw new UsageError('--supplier applies only to suggestions.', command);
  if (values.supplier !== undefined && values.supplier.trim() === '') throw new UsageError('--supplier needs a supplier name or id.', command);
  if (values.to !== undefined && command !== 'backup') throw new UsageError('--to applies only to backup.', command);
  if (values.to !== undefined && values.to.trim() === '') throw new UsageError('--to needs a file name.', command);
  if (values.role !== undefined && command !== 'user') throw new UsageError('--role applies only to user add.', command);
  if (values.generate && command !== 'user') throw new UsageError('--generate applies only to user add and user passwd.', command);
  if (values.data !== undefined && values.data.trim() === '') throw new UsageError('--data needs a folder.', command);
  const env: CliEnv = {
    dataDir: values.data ?? defaultDataDir(processEnv),
    databaseUrl: processEnv.DATABASE_URL || undefined,
  };

  if (command === 'user') {
    const [action, username, ...extra] = rest;
    if (!(USER_ACTIONS as readonly string[]).includes(action ?? '')) {
      throw new UsageError(`user needs one of ${USER_ACTIONS.join(', ')} (got ${action ? `"${action}"` : 'none'}).`, command);
    }
    const wantsName = action !== 'list';
    if (extra.length > 0 || (wantsName && username === undefined) || (!wantsName && username !== undefined)) {
      throw new UsageError(wantsName ? `user ${action} needs exactly one username.` : 'user list takes no username.', command);
    }
    if (values.role !== undefined && action !== 'add') throw new UsageError('--role applies only to user add.', command);
    if (action === 'add' && values.role === undefined) throw new UsageError('user add needs --role owner, staff or viewer.', command);
    if (values.generate && action !== 'add' && action !== 'passwd') throw new UsageError('--generate applies only to user add and user passwd.', command);
    return userCommand(env, io, {
      action: action as UserAction,
      username,
      role: values.role,
      generate: values.generate ?? false,
      readPassword: io.readPassword ?? readNewPassword,
    });
  }
  const expected = command === 'import' || command === 'export' || command === 'restore' ? 1 : 0;
  if (rest.length !== expected) {
    const what = expected === 0 ? 'takes no file' : 'needs exactly one file name';
    throw new UsageError(`${command} ${what} (got ${rest.length === 0 ? 'none' : rest.map((a) => `"${a}"`).join(', ')}).`, command);
  }
  const file = rest[0] as string;
  switch (command) {
    case 'import':
      return importCommand(env, io, file, { dryRun: values['dry-run'] ?? false, preset: preset as ImportPreset | undefined, mapping });
    case 'export':
      return exportCommand(env, io, file);
    case 'check':
      return checkCommand(env, io);
    case 'publish':
      return publishCommand(env, io, values.full ?? false);
    case 'token':
      return tokenCommand(env, io, values.new ?? false);
    case 'suggestions':
      return suggestionsCommand(env, io, values.supplier);
    case 'backup':
      return backupCommand(env, io, values.to);
    case 'backups':
      return backupsCommand(env, io);
    case 'restore':
      return restoreCommand(env, io, file);
    case 'diagnose':
      return diagnoseCommand(env, io);
  }
  return 2;
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
