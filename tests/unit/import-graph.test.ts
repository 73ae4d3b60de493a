/**
 * Proves the import-graph check of `npm run lint` (.dependency-cruiser.cjs) bites: a circle of
 * imports fails it, also one closed by a type-only import, and the code as it stands has none.
 * Runs the same command line as the lint step, on small files written for the purpose.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
// Inside the repository, so the check resolves them as it does the real code; .tmp/ is ignored by git.
fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
const scratch = fs.mkdtempSync(path.join(root, '.tmp', 'import-graph-'));

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes `files` (name → source) into a folder of its own and checks that folder as the lint step does. */
function check(name: string, files: Record<string, string>): { status: number | null; output: string } {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), source);
  const result = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', path.relative(root, dir)], { cwd: root, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the import-graph check', () => {
  it('fails on a circle of imports', () => {
    const { status, output } = check('circle', {
      'core.ts': "import { createHandlers } from './handlers';\nexport const core = { handlers: createHandlers() };\n",
      'handlers.ts': "import { feature } from './feature';\nexport function createHandlers() { return { feature }; }\n",
      'feature.ts': "import { core } from './core';\nexport const feature = () => core;\n",
    });
    expect(status).not.toBe(0);
    expect(output).toContain('no-circular');
    expect(output).toMatch(/core\.ts/);
  });

  it('fails on a circle closed by a type imported back up', () => {
    const { status, output } = check('type-circle', {
      'core.ts': "import { createHandlers } from './handlers';\nexport type Core = { handlers: ReturnType<typeof createHandlers> };\n",
      'handlers.ts': "import type { Core } from './core';\nexport function createHandlers(core?: Core) { return { core }; }\n",
    });
    expect(status).not.toBe(0);
    expect(output).toContain('no-circular');
  });

  it('passes imports that only go one way', () => {
    const { status, output } = check('downward', {
      'core.ts': "import { createHandlers } from './handlers';\nexport const core = { handlers: createHandlers({ now: () => 1 }) };\n",
      'handlers.ts': "import type { Deps } from './deps';\nexport function createHandlers(deps: Deps) { return { now: deps.now }; }\n",
      'deps.ts': 'export type Deps = { now(): number };\n',
    });
    expect(output).not.toContain('no-circular');
    expect(status).toBe(0);
  });

  it('finds no circle in the code', () => {
    const result = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', 'electron', 'shared', 'renderer', 'tests', 'bench', 'scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).not.toContain('no-circular');
    expect(result.status).toBe(0);
  });
});
