import fs from 'node:fs';
import path from 'node:path';
import type { CsvEncoding } from '../../shared/csv/csv-format';
import type { ImportMapping } from '../../shared/csv/import-fields';
import { PRESET_LABELS, type ImportPreset } from '../../shared/csv/import-presets';
import { openCore, type Core } from '../core/core';
import { exportCatalogCsv } from '../core/catalog/csv-export';
import { importCatalogCsv, type ImportProgress, type ImportReport } from '../core/catalog/csv-import';
import { resolveDbConfig } from '../core/db/connection';
import { withActor } from '../core/actor';

export type CliIo = {
  out(text: string): void;
  err(text: string): void;
  /**
   * Shows how far a long command is (on standard error); `final` is the last report. main.ts
   * starts showing it after a second, so a quick import prints nothing extra.
   */
  progress?(text: string, final: boolean): void;
  /** Reads a new password (user add, user passwd); default: the terminal without echo, or stdin's first line. */
  readPassword?: () => Promise<string>;
};

/** What the command line writes is recorded as Stockfeed's own doing, run from the command line. */
const CLI_ACTOR = { kind: 'system', name: 'command line' } as const;

export type CliEnv = { dataDir: string; databaseUrl: string | undefined };

/** A failure the user can act on: its message is printed as is and the exit code is 1. */
export class CommandFailed extends Error {}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/**
 * Opens the core for one command. Export and check refuse a data folder without a database, so a
 * mistyped --data reports the mistake instead of quietly showing an empty, new catalogue.
 */
export async function withCore<T>(env: CliEnv, io: CliIo, mustExist: boolean, run: (core: Core) => Promise<T>): Promise<T> {
  const config = resolveDbConfig(env);
  if (mustExist && config.kind === 'sqlite' && !fs.existsSync(config.file)) {
    throw new CommandFailed(`There is no Stockfeed database in ${env.dataDir} (no ${path.basename(config.file)}); check --data.`);
  }
  const core = await openCore({
    dataDir: env.dataDir,
    databaseUrl: env.databaseUrl,
    expirySweepMs: 0,
    // A one-shot command takes no daily backup; the app or server that runs next does.
    backups: { checkEveryMs: 0 },
    // A short-lived command queues webhook deliveries and channel pushes; the app or server that runs next sends them.
    webhooks: { worker: false },
    channelPush: { worker: false },
    logger: { info() {}, warn: (m) => io.err(`warning: ${m}`), error: (m) => io.err(`error: ${m}`) },
  });
  try {
    return await withActor(CLI_ACTOR, () => run(core));
  } finally {
    await core.close();
  }
}

function printIssues(io: CliIo, name: string, report: ImportReport): void {
  const what = report.dryRun ? 'nothing would be imported' : 'nothing was imported';
  io.err(`${name}: ${plural(report.issues.length, 'problem')} found; ${what}.`);
  for (const issue of report.issues) {
    io.err(issue.column ? `  row ${issue.row}, ${issue.column}: ${issue.message}` : `  row ${issue.row}: ${issue.message}`);
  }
}

const ENCODING_NAMES: Record<CsvEncoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252' };

/**
 * How the file was read, in a line, when it is not plain UTF-8 CSV: detection is a guess, so the
 * user sees it; the rows a preset skipped; and the products it imports without their count, which
 * the owner is to count (apart from the skipped rows: those products are imported).
 */
function printFormat(io: CliIo, report: ImportReport): void {
  const { encoding, delimiter, decimal, preset } = report.format;
  const plain = (encoding === null || encoding === 'utf-8') && delimiter === 'comma' && decimal === 'point' && preset === null;
  if (plain && report.skipped.length === 0 && report.countsLeftOut.length === 0) return;
  const parts = [
    ...(encoding ? [ENCODING_NAMES[encoding]] : []),
    `${delimiter}-separated`,
    `decimal ${decimal}`,
    ...(preset ? [PRESET_LABELS[preset]] : []),
  ];
  io.out(`Read as ${parts.join(', ')}.`);
  if (report.skipped.length > 0) {
    io.out(`${plural(report.skipped.length, 'row')} skipped:\n${report.skipped.map((s) => `  row ${s.row}: ${s.reason}`).join('\n')}`);
  }
  const leftOut = report.countsLeftOut.length;
  if (leftOut > 0) {
    const verb = report.ok && !report.dryRun ? 'imported' : 'would be imported';
    const count = leftOut === 1 ? 'its count (count it and record the stock)' : 'their count (count them and record the stock)';
    io.out(
      `${plural(leftOut, 'product')} ${verb} without ${count}:\n` +
        report.countsLeftOut.map((s) => `  row ${s.row}: ${s.reason}`).join('\n'),
    );
  }
}

const PHASE_WORDS: Record<ImportProgress['phase'], string> = {
  reading: 'reading and checking rows',
  checking: 'checking against the catalogue',
  writing: 'writing',
  done: 'done',
};

/** One line of import progress: "42% writing: 100,000 rows checked, 35,000 of 200,000 products and stock counts written". */
export function progressLine(p: ImportProgress): string {
  const n = (value: number) => value.toLocaleString('en');
  const percent = p.percent === null ? '' : `${p.percent}% `;
  const written = p.toWrite === null ? '' : `, ${n(p.written)} of ${plural(p.toWrite, 'product and stock count', 'products and stock counts')} written`;
  return `${percent}${PHASE_WORDS[p.phase]}: ${plural(p.rowsChecked, 'row')} checked${written}`;
}

export async function importCommand(
  env: CliEnv,
  io: CliIo,
  file: string,
  options: { dryRun: boolean; preset?: ImportPreset | undefined; mapping?: ImportMapping | undefined },
): Promise<number> {
  const { dryRun, preset, mapping } = options;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new CommandFailed(`Cannot import ${file}: there is no such file.`);
  if (!stat.isFile()) throw new CommandFailed(`Cannot import ${file}: it is not a file.`);
  const name = path.basename(file);
  const onProgress = io.progress ? (p: ImportProgress) => io.progress?.(progressLine(p), p.phase === 'done') : undefined;
  const report = await withCore(env, io, false, (core) =>
    importCatalogCsv(core, fs.createReadStream(file), { dryRun, name, preset, mapping, onProgress, size: stat.size }),
  );
  printFormat(io, report);
  if (!report.ok) {
    printIssues(io, name, report);
    return 1;
  }
  const n = (value: number) => value.toLocaleString('en');
  if (dryRun) {
    io.out(
      `Dry run of ${name}: ${plural(report.rows, 'row')}, no problems. Would create ${n(report.created)}, ` +
        `update ${n(report.updated)} (${n(report.unchanged)} unchanged) and record ${plural(report.counts, 'stock count')} ` +
        `(${n(report.countsUnchanged)} skipped as unchanged). Nothing was written. Time taken: ${seconds(report.elapsedMs)}.`,
    );
  } else {
    io.out(
      `Imported ${name}: ${n(report.created)} created, ${n(report.updated)} updated, ${n(report.unchanged)} unchanged; ` +
        `${plural(report.counts, 'stock count')} recorded, ${n(report.countsUnchanged)} skipped as unchanged. Time taken: ${seconds(report.elapsedMs)}.`,
    );
  }
  return 0;
}

export async function exportCommand(env: CliEnv, io: CliIo, file: string): Promise<number> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CommandFailed(`Cannot export to ${file}: the folder ${dir} does not exist.`);
  }
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CommandFailed(`Cannot export to ${file}: it is a folder; give a file name.`);
  }
  const started = performance.now();
  const report = await withCore(env, io, true, (core) => exportCatalogCsv(core.db, file));
  io.out(
    `Exported ${plural(report.products, 'product')} (${plural(report.rows, 'row')}) to ${file}. ` +
      `Time taken: ${seconds(performance.now() - started)}.`,
  );
  return 0;
}

export async function checkCommand(env: CliEnv, io: CliIo): Promise<number> {
  const report = await withCore(env, io, true, (core) => core.checkLedger());
  if (report.ok) {
    io.out(`OK: ${plural(report.levelsChecked, 'stock level')} checked; each equals its ledger.`);
    return 0;
  }
  io.out(`${plural(report.mismatches.length, 'mismatch', 'mismatches')} between stock levels and the ledger (${plural(report.levelsChecked, 'stock level')} checked):`);
  for (const m of report.mismatches) {
    const where = m.location === null ? 'in total over all locations' : `at ${m.location}`;
    if (m.field === 'received') io.out(`  ${m.sku} ${where}: received on ${m.purchaseOrder ?? '?'} is ${m.stored}, its receive movements say ${m.expected}`);
    else io.out(`  ${m.sku} ${where}: ${m.field} is ${m.stored}, ${m.field === 'incoming' ? 'the open purchase orders say' : 'the ledger says'} ${m.expected}`);
  }
  return 1;
}
