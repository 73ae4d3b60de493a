/**
 * The diagnostic report a shop owner pastes into a message to whoever helps them (Help → Copy
 * diagnostic report, `npm run cli -- diagnose`): what runs where, how big the database is, its
 * schema, publishing and the last problems logged. No secret goes in: no token, no password, no
 * PostgreSQL credentials, no settings; log lines were redacted when they were written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Backup } from '../../../shared/schemas/backups';
import type { PublishStatus } from '../../../shared/schemas/publish';
import type { DbConfig } from '../db/connection';
import { recentProblems } from '../logging/file-logger';
import { redactText } from '../logging/redaction';
import { num } from '../util/db-helpers';

export type DiagnosticSources = {
  version: string;
  config: DbConfig;
  dataDir: string;
  db: Knex;
  logDir: string;
  publishStatus: () => Promise<PublishStatus>;
  /** Null on PostgreSQL. */
  backups: { folder(): string; list(): Backup[] } | null;
  /** `process.versions.electron` in the desktop app. */
  electronVersion?: string | undefined;
};

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function fileSize(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/** host:port/database of a PostgreSQL URL, never its user or password. */
function pgWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unreadable DATABASE_URL)';
  }
}

/** Runs one part of the report; a part that fails says so instead of failing the report. */
async function part(run: () => Promise<string[]> | string[]): Promise<string[]> {
  try {
    return await run();
  } catch (error) {
    return [`  (could not be read: ${redactText((error as Error).message).slice(0, 200)})`];
  }
}

/** The report as plain text, a heading and an indented block per part. */
export async function diagnosticReport(s: DiagnosticSources): Promise<string> {
  const lines: string[] = [`Stockfeed diagnostic report, ${new Date().toISOString()}`, ''];
  lines.push(`Version: Stockfeed ${s.version}`);
  lines.push(
    `Platform: ${process.platform} ${process.arch}, ${os.release()}; Node ${process.versions.node}${s.electronVersion ? `, Electron ${s.electronVersion}` : ''}; ${os.cpus().length} cores, ${megabytes(os.totalmem())} memory`,
  );
  lines.push(`Data folder: ${s.dataDir}`);
  lines.push('', 'Database:');
  lines.push(
    ...(await part(async () => {
      const out: string[] = [];
      if (s.config.kind === 'sqlite') {
        out.push(`  SQLite ${s.config.file}: ${megabytes(fileSize(s.config.file))} (write-ahead log ${megabytes(fileSize(`${s.config.file}-wal`))})`);
        const free = fs.statfsSync(path.dirname(s.config.file));
        out.push(`  Free space on its disk: ${megabytes(free.bavail * free.bsize)}`);
      } else {
        out.push(`  PostgreSQL ${pgWhere(s.config.url)}`);
      }
      const applied = (await s.db('knex_migrations').select('name').orderBy('id')) as Array<{ name: string }>;
      out.push(`  Schema version: ${applied[applied.length - 1]?.name ?? '(none)'} (${applied.length} migrations)`);
      const seq = (await s.db('changes').max({ seq: 'seq' }).first()) as { seq: unknown } | undefined;
      const products = (await s.db('products').count({ n: '*' }).first()) as { n: unknown } | undefined;
      out.push(`  Change log: sequence ${num((seq?.seq ?? 0) as number)}; products: ${num((products?.n ?? 0) as number)}`);
      return out;
    })),
  );
  lines.push('', 'Backups:');
  lines.push(
    ...(await part(() => {
      if (!s.backups) return ['  PostgreSQL: back up with pg_dump (Stockfeed copies only its SQLite file)'];
      const list = s.backups.list();
      const newest = list[0];
      return [
        `  ${list.length} in ${s.backups.folder()}${newest ? `; newest ${newest.createdAt} (${newest.kind}, sequence ${newest.seq})` : ''}`,
      ];
    })),
  );
  lines.push('', 'Publishing:');
  lines.push(
    ...(await part(async () => {
      const p = await s.publishStatus();
      const out = [
        `  Folder ${p.publishDir}; files reflect sequence ${p.seq ?? 'none yet'} of ${p.latestSeq}${p.running ? ' (publishing now)' : ''}; last published ${p.lastPublishedAt ?? 'never'}`,
        `  Products: ${p.products.total} (in the feed ${p.products.inFeed}, in the sitemap ${p.products.inSitemap}, with problems ${p.products.withIssues})`,
      ];
      if (p.lastError) out.push(`  Last error: ${redactText(p.lastError)}`);
      for (const a of p.artifacts) if (a.error) out.push(`  ${a.artifact}: ${redactText(a.error)}`);
      for (const t of p.targets) if (t.state !== 'off') out.push(`  ${t.target}: ${t.state}${t.lastError ? ` (${redactText(t.lastError)})` : ''}`);
      return out;
    })),
  );
  lines.push('', 'Last warnings and errors (newest first):');
  lines.push(
    ...(await part(() => {
      const problems = recentProblems(s.logDir, 10);
      return problems.length === 0 ? ['  none logged'] : problems.map((p) => `  ${p.time} ${p.level.padEnd(5)} ${redactText(p.msg).slice(0, 500)}`);
    })),
  );
  lines.push('', `Log files: ${s.logDir}`);
  return `${lines.join('\n')}\n`;
}
