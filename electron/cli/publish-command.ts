import { performance } from 'node:perf_hooks';
import { plural, seconds, withCore, type CliEnv, type CliIo } from './commands';

/** Files listed one per line; beyond this, the rest are counted. */
const LISTED = 12;

/** `publish [--full]`: one publish, then waits for the delivery targets; prints what it wrote. */
export async function publishCommand(env: CliEnv, io: CliIo, full: boolean): Promise<number> {
  const started = performance.now();
  return withCore(env, io, true, async (core) => {
    const status = await core.publisher.runNow(full);
    const run = core.publisher.lastRun;
    await core.delivery.idle();
    const changed = run?.outcome.changedFiles ?? [];
    const removed = run?.outcome.removedFiles ?? [];
    const find = (name: string) => status.artifacts.find((a) => a.artifact === name);
    const feed = find('merchantXml');
    const sitemap = find('sitemap');
    const jsonLd = find('jsonLd');
    io.out(`Published to ${status.publishDir} (change-log sequence ${status.seq ?? 0}${full ? ', full rewrite' : ''}).`);
    io.out(`  ${plural(changed.length, 'file')} written, ${plural(removed.length, 'file')} removed, the rest unchanged.`);
    for (const name of changed.slice(0, LISTED)) io.out(`    wrote   ${name}`);
    if (changed.length > LISTED) io.out(`    … and ${plural(changed.length - LISTED, 'more file')}`);
    for (const name of removed.slice(0, LISTED)) io.out(`    removed ${name}`);
    if (feed?.enabled) io.out(`  Merchant feed: ${plural(feed.counts.items, 'item')} (${feed.counts.excluded.toLocaleString('en')} listed products left out for a problem).`);
    if (sitemap?.enabled) io.out(`  Sitemap: ${plural(sitemap.counts.items, 'URL')} in ${plural(sitemap.counts.files, 'file')}.`);
    if (jsonLd?.enabled) io.out(`  JSON-LD: ${plural(jsonLd.counts.files, 'file')}.`);
    const issues = await core.publisher.issues({ limit: 1 });
    for (const p of issues.shop) io.err(`problem: ${p.problem}. ${p.fix}.`);
    if (issues.total > 0) {
      io.out(`  ${plural(issues.total, 'product has', 'products have')} problems: GET /api/v1/publish/issues lists each with the fix.`);
    }
    for (const t of status.targets) {
      if (t.state !== 'off') io.out(`  ${t.target}: ${t.state}${t.lastError ? ` (${t.lastError})` : ''}`);
    }
    io.out(`Time taken: ${seconds(performance.now() - started)}.`);
    return 0;
  });
}
