/**
 * PostgreSQL failures at start as one line each: which server, what went wrong, what to change.
 * The URL is shown without its password.
 */
import { StartupError } from './startup-error';

type Target = { where: string; host: string; user: string; database: string };

function targetOf(url: string): Target {
  const u = new URL(url);
  const user = decodeURIComponent(u.username) || 'postgres';
  return {
    where: `${u.hostname}:${u.port || '5432'}`,
    host: u.hostname,
    user,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || user,
  };
}

/** node's connection errors: a code on the error, or on each attempt of an AggregateError. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return error.errors.map(codeOf).find(Boolean) ?? '';
  return '';
}

/** The server's own sentence, which never holds the password (knex may prefix it with the SQL). */
function serverMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const sql = message.lastIndexOf(' - ');
  return (sql >= 0 ? message.slice(sql + 3) : message).trim().slice(0, 200);
}

/** A StartupError for a PostgreSQL failure we can explain; null for anything else. */
export function describePgFailure(error: unknown, url: string): StartupError | null {
  const t = targetOf(url);
  const code = codeOf(error);
  const fail = (message: string) => new StartupError(message, { cause: error });
  switch (code) {
    case 'ECONNREFUSED':
      return fail(`PostgreSQL at ${t.where} refused the connection: start the database server, or fix the host and port in DATABASE_URL.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`PostgreSQL host "${t.host}" was not found: fix the host in DATABASE_URL.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail(`PostgreSQL at ${t.where} cannot be reached (${code}): check the host and port in DATABASE_URL, and that no firewall is in the way.`);
    case '28P01':
    case '28000':
      return fail(
        `PostgreSQL at ${t.where} refused to log in as "${t.user}" (${serverMessage(error)}): fix the user name and password in DATABASE_URL, or the server's pg_hba.conf.`,
      );
    case '3D000':
      return fail(
        `PostgreSQL at ${t.where} has no database "${t.database}": create it (createdb -O ${t.user} ${t.database}) or fix the database name in DATABASE_URL.`,
      );
    case '42501':
      return fail(
        `PostgreSQL user "${t.user}" may not create or change Stockfeed's tables in "${t.database}" (${serverMessage(error)}): make it the database's owner, or grant it CREATE on the schema.`,
      );
    case '53100':
      return fail(`The database server's disk is full (PostgreSQL at ${t.where}): free some space there, then start Stockfeed again.`);
    default:
      return null;
  }
}
