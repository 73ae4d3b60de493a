/**
 * The closing summary's account of suites skipped because a system service is missing. The
 * suites append one JSON line each to the file scripts/test.mjs names in
 * STOCKFEED_TEST_MISSING_SERVICES (tests/helpers/system-services.ts, `skipWithout`):
 * `{ service, package, suite, why }`.
 */
import fs from 'node:fs';

/** The summary lines, one per package to install; none when nothing was skipped for this reason. */
export function missingServiceSummary(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  /** @type {Map<string, { whys: Set<string>; suites: Set<string> }>} */
  const byPackage = new Map();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = { package: '?', suite: `(unreadable line in ${file}: ${line.slice(0, 80)})`, why: '' };
    }
    const group = byPackage.get(entry.package) ?? { whys: new Set(), suites: new Set() };
    if (entry.why) group.whys.add(entry.why);
    group.suites.add(entry.suite);
    byPackage.set(entry.package, group);
  }
  if (byPackage.size === 0) return [];
  // Sorted: the suites run in parallel processes, so the lines arrive in any order.
  const sorted = (set) => [...set].sort((a, b) => a.localeCompare(b));
  return [
    'skipped because a system service is missing (with CI=true they fail instead):',
    ...sorted(byPackage.keys()).map((pkg) => {
      const { whys, suites } = byPackage.get(pkg);
      return `  install ${pkg} (${sorted(whys).join('; ')}): ${sorted(suites).join(', ')}`;
    }),
  ];
}
