/**
 * A large made-up catalogue as an import CSV, for the UI benchmark: varied titles (so a title
 * search matches a realistic share), GTINs with valid check digits, variant groups, two locations.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { openCore, type Core } from '../electron/core/core';
import { contract, type Input, type OperationName, type Output } from '../shared/contract';
import { line, secondsSince } from './measure';

const WORDS = ['Mug', 'Cup', 'Plate', 'Bowl', 'Shirt', 'Scarf', 'Lamp', 'Chair', 'Table', 'Vase', 'Candle', 'Towel', 'Blanket', 'Pillow', 'Jar'];
const COLOURS = ['Red', 'Blue', 'Green', 'Black', 'White', 'Yellow', 'Grey', 'Pink', 'Brown', 'Orange'];

/** A GTIN-13 for a number, with its check digit. */
export function gtin13(n: number): string {
  const body = `400${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export function catalogSku(i: number): string {
  return `SKU-${String(i).padStart(6, '0')}`;
}

/**
 * Writes `count` products (one row each, stock at `main`). A later `round` gives every product
 * another price and another figure on hand, as a supplier's next price list and stock file would.
 */
export function writeCatalogCsv(file: string, count: number, round = 0): void {
  const out = fs.openSync(file, 'w');
  const lines: string[] = ['sku,title,gtin,price,currency,item_group_id,location,on_hand'];
  for (let i = 1; i <= count; i++) {
    const word = WORDS[i % WORDS.length] as string;
    const colour = COLOURS[Math.floor(i / WORDS.length) % COLOURS.length] as string;
    const price = `${((i + round * 7) % 90) + 5}.${String(i % 100).padStart(2, '0')}`;
    const group = `G-${Math.floor(i / 3)}`;
    lines.push(`${catalogSku(i)},${colour} ${word} ${i},${gtin13(i)},${price},EUR,${group},main,${(i + round) % 17}`);
    if (lines.length >= 5000) {
      fs.writeSync(out, `${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  if (lines.length > 0) fs.writeSync(out, `${lines.join('\n')}\n`);
  fs.closeSync(out);
}

/** Calls an operation on a core as a host would: the input parsed by the contract first. */
export type CoreCall = <K extends OperationName>(name: K, input: Input<K>) => Promise<Output<K>>;

/**
 * A core over `count` products seeded through the CSV import in a child process (the path a shop
 * uses), in `dir/name`; the caller closes it.
 */
export async function coreSeededByImport(dir: string, name: string, count: number): Promise<{ core: Core; call: CoreCall }> {
  const dataDir = path.join(dir, name);
  const file = path.join(dir, `${name}.csv`);
  writeCatalogCsv(file, count);
  const t0 = performance.now();
  await promisify(execFile)('npx', ['tsx', 'electron/cli/main.ts', 'import', file, '--data', dataDir], { maxBuffer: 16 * 1024 * 1024 });
  line('seeded through the CSV import', `${secondsSince(t0)} s`);
  const core = await openCore({ dataDir, expirySweepMs: 0 });
  const call: CoreCall = async (op, input) => (core.handlers[op] as (i: unknown) => Promise<Output<typeof op>>)(contract[op].input.parse(input));
  return { core, call };
}
