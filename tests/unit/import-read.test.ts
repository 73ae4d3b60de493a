/**
 * Reading a file (import-read.ts): the rows as numbered in the file and the bytes read so far that
 * the progress is told, record by record, whatever the line endings, blank lines, byte-order mark
 * and cells spanning lines; and the same rows and problems whether the file comes in one piece or
 * in many small ones.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inBatches, readRows } from '../../electron/core/catalog/import-read';
import type { ParsedRow } from '../../electron/core/catalog/import-rows';
import type { ProgressReporter } from '../../electron/core/catalog/import-progress';

function recorder(): { progress: ProgressReporter; reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = [];
  const progress: ProgressReporter = { read: (rows, bytes) => reads.push([rows, bytes]), checking() {}, writing: () => () => {}, streaming: () => () => {}, again() {}, done() {}, fileRows: () => null };
  return { progress, reads };
}

const FILE = '\ufeffsku,title,description,price\r\nA-1,T,"one\r\ntwo",1.00\r\n\r\n\r\nA-2,T,x,oops\r\nA-3,"Quoted, with comma",,2.50\r\n\r\nA-4,T,"a\nb\nc",3\r\n';

async function read(chunks: Array<Buffer | string>) {
  const { progress, reads } = recorder();
  const result = await readRows(Readable.from(chunks), {}, progress);
  return { reads, rows: result.rows.map((r) => [r.row, r.sku]), issues: result.issues.map((i) => [i.row, i.column]) };
}

describe('readRows', () => {
  it('numbers rows as an editor does and tells the progress the bytes read after each record', async () => {
    const whole = await read([Buffer.from(FILE)]);
    expect(whole.rows).toEqual([
      [2, 'A-1'],
      [7, 'A-3'],
      [9, 'A-4'],
    ]);
    expect(whole.issues).toEqual([[6, 'price']]);
    expect(whole.reads).toEqual(READS);
  });

  it('reads the same from many small pieces as from one', async () => {
    const bytes = Buffer.from(FILE);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 3) pieces.push(bytes.subarray(at, at + 3));
    const small = await read(pieces);
    const whole = await read([bytes]);
    expect(small).toEqual(whole);
  });
});

/** What csv-parse counts as read at each record (records, bytes), as the progress has been told it. */
const READS: Array<[number, number]> = [
  [1, 52],
  [2, 70],
  [3, 102],
  [4, 121],
];

describe('inBatches', () => {
  const rows = (skus: string) => skus.split('').map((sku, i) => ({ row: i + 2, sku }) as unknown as ParsedRow);
  const skus = (batches: ParsedRow[][]) => batches.map((b) => b.map((r) => r.sku).join(''));

  it('cuts the rows read before the first batch into batches of the size, each ending between two SKUs', () => {
    expect(skus(inBatches(rows('abcdefg'), 3))).toEqual(['abc', 'def', 'g']);
    // A SKU's rows (its stock at several locations) stay in one batch, which then holds a few more.
    expect(skus(inBatches(rows('abbbcdde'), 2))).toEqual(['abbb', 'cdd', 'e']);
    expect(skus(inBatches(rows('aaaaa'), 2))).toEqual(['aaaaa']);
    expect(skus(inBatches(rows('ab'), 5))).toEqual(['ab']);
  });
});
