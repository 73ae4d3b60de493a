/**
 * The import's check without the schema (electron/core/catalog/import-row-check.ts) must answer
 * exactly as the schema does: for every row it takes, the schema takes it too and gives the same
 * object (same keys, same order, same values); for every row the schema takes, it takes it too.
 * Property-style: many rows made of good, bad and borderline cells, from a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import { plainLocationCode, plainProductFields, plainQuantity } from '../../electron/core/catalog/import-row-check';
import { parseValues } from '../../electron/core/catalog/import-rows';
import { purchasingCellIssues } from '../../electron/core/purchasing/catalog-columns';
import { productCreateInput } from '../../shared/schemas/product';
import { locationCodeSchema, quantitySchema } from '../../shared/schemas/common';
import { QUANTITY_MAX } from '../../shared/domain/limits';
import { seededRandom } from '../helpers/random';


const COMMON = ['', ' ', '  \t', 'x', 'X', 'a\u0000b', '\u0000', 'é', '日本', '-', '.', '..', "'", '"', ',', '\n', 'null', 'undefined', '0', ' 0 '];

/** Cells for each field a catalogue file fills: [valid ones, ones just past each rule or odd]. */
const CELLS: Record<string, [string[], string[]]> = {
  sku: [['SKU-000001', 'sku-1', ' sku.2_x ', 'A'.repeat(50), ' ' + 'b'.repeat(50) + ' '], ['A'.repeat(51), 'SKU 1', 'SKÜ', '.', '..', 'a/b', 'ß']],
  title: [['Red Cup 1', '  Blue Mug  ', 'T'.repeat(500), ` ${'t'.repeat(500)} `, 'Title with, comma', 'é'], ['T'.repeat(501), 'Café\u0000']],
  description: [['A description', ' spaced ', 'D'.repeat(20_000), 'line\nbreak'], ['D'.repeat(20_001), 'nul\u0000']],
  brand: [['Acme', ' Acme ', 'B'.repeat(150), ` ${'b'.repeat(150)} `], ['B'.repeat(151), 'Ac\u0000me']],
  gtin: [['4000000000013', ' 4000-0000-00013 ', '96385074', '012345678905', '00012345678905', '4 000 000 000 013'], ['4000000000014', '400000000001', 'abc', '40000000000133']],
  mpn: [['MPN-1', ' mpn ', 'M'.repeat(70), ` ${'m'.repeat(70)} `, 'm\u0000'], ['M'.repeat(71)]],
  condition: [['new', 'used', 'refurbished'], ['New', ' new', 'broken']],
  price: [['12.50', '6.01', ' 7.02 ', '0', '12.5', '1.123456', '1'.repeat(18)], ['12,50', '1.1234567', '1'.repeat(19), '-1', '1e3', '.5', '5.']],
  salePrice: [['9.99', ' 1.00 ', '0.0'], ['12,50', 'abc']],
  currency: [['EUR', 'eur', ' usd ', 'GBP', 'JPY'], ['XXX', 'EURO', 'ZZZ', 'e u r']],
  slug: [['blue-mug', ' blue-mug ', 's'.repeat(200), 'a1-b2'], ['Blue-Mug', 'blue--mug', '-blue', 's'.repeat(201), '.', '..', 'a.b', 'café']],
  imageUrl: [['https://example.com/a.jpg', ' http://x.y/z ', `https://e.com/${'p'.repeat(1980)}`], ['ftp://x/y', 'example.com/a.jpg', `https://e.com/${'p'.repeat(1990)}`, 'https://', 'javascript:alert(1)']],
  status: [['active', 'archived', 'discontinued'], ['Active', 'draft']],
  itemGroupId: [['G-0', ' G-1 ', 'g'.repeat(50), ` ${'g'.repeat(50)} `], ['g'.repeat(51)]],
  productType: [['Home > Kitchen > Mugs', ' Home>Kitchen '], ['Home > > Mugs', 'x'.repeat(760), 'A>B>C>D>E>F>G>H>I>J>K']],
  googleProductCategory: [['4', 'Home & Garden > Kitchen & Dining', ' 4 '], ['x > ', '12a']],
};

/**
 * A field's cell: valid with the row's odds, else one past a rule, a common oddity, another
 * field's cell, or a valid one padded, cut or upper-cased.
 */
function cellFor(field: string, next: () => number, odd: number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const [good, bad] = CELLS[field] as [string[], string[]];
  if (next() >= odd) return pick(good);
  const roll = next();
  if (roll < 0.4) return pick(bad);
  if (roll < 0.6) return pick(COMMON);
  if (roll < 0.75) return pick(pick(Object.values(CELLS))[next() < 0.5 ? 0 : 1]);
  const cell = pick(good);
  return roll < 0.8 ? ` ${cell}` : roll < 0.85 ? `${cell}\t` : roll < 0.93 ? cell.slice(1) : cell.toUpperCase();
}

const FIELDS = Object.keys(CELLS);

function rows(count: number, seed: number): Array<Record<string, string>> {
  const next = seededRandom(seed);
  const out: Array<Record<string, string>> = [];
  for (let n = 0; n < count; n++) {
    const raw: Record<string, string> = {};
    const odd = [0, 0.02, 0.1, 0.5][n % 4] as number;
    // The bench file's fields nearly always, as an ordinary catalogue has them; the others at random.
    for (const field of FIELDS) {
      const usual = ['sku', 'title', 'price', 'gtin', 'currency', 'itemGroupId'].includes(field);
      if (next() < (usual ? 0.97 : 0.3)) raw[field] = cellFor(field, next, odd);
    }
    out.push(raw);
  }
  return out;
}

/** What parseValues keeps of the schema's answer (a file never has an idempotency key). */
function schemaFields(raw: Record<string, string>): unknown {
  const parsed = productCreateInput.safeParse(raw);
  if (!parsed.success) return null;
  const { idempotencyKey: _key, ...fields } = parsed.data;
  return fields;
}

describe('the import row check without the schema', () => {
  it('takes exactly the rows the schema takes, and gives the same fields in the same order', () => {
    let taken = 0;
    let refused = 0;
    for (const raw of rows(30_000, 17)) {
      const plain = plainProductFields(raw);
      const expected = schemaFields(raw);
      if (expected === null) {
        expect(plain, JSON.stringify(raw)).toBeNull();
        refused++;
      } else {
        expect(plain, JSON.stringify(raw)).not.toBeNull();
        expect(JSON.stringify(plain)).toBe(JSON.stringify(expected));
        expect(plain).toStrictEqual(expected);
        taken++;
      }
    }
    // Both kinds in numbers, so the comparison means something.
    expect(taken).toBeGreaterThan(3_000);
    expect(refused).toBeGreaterThan(3_000);
  });

  it('asks the schema for a missing required field or a key it does not know', () => {
    expect(plainProductFields({ title: 'T', price: '1.00' })).toBeNull();
    expect(plainProductFields({ sku: 'A', price: '1.00' })).toBeNull();
    expect(plainProductFields({ sku: 'A', title: 'T', price: '1.00', colour: 'red' })).toBeNull();
    expect(plainProductFields({ sku: 'A', title: 'T', price: '1.00' })).toStrictEqual(schemaFields({ sku: 'A', title: 'T', price: '1.00' }));
  });

  it('hands out a fresh list of additional images per row, as the schema does', () => {
    const a = plainProductFields({ sku: 'A', title: 'T', price: '1.00' });
    const b = plainProductFields({ sku: 'B', title: 'T', price: '1.00' });
    expect(a?.additionalImageUrls).toEqual([]);
    expect(a?.additionalImageUrls).not.toBe(b?.additionalImageUrls);
  });

  it('reads location codes as the schema does', () => {
    const next = seededRandom(5);
    const codes = ['main', ' Main ', 'WH-2', 'wh_3', '-x', '_x', 'a'.repeat(32), 'a'.repeat(33), 'lager süd', 'a b', '', ' ', 'é', '0'];
    for (let n = 0; n < 2_000; n++) {
      const code = codes[Math.floor(next() * codes.length)] as string;
      const cell = next() < 0.3 ? `${code}${codes[Math.floor(next() * codes.length)]}` : code;
      const schema = locationCodeSchema.safeParse(cell);
      const plain = plainLocationCode(cell);
      expect(plain, JSON.stringify(cell)).toBe(schema.success ? schema.data : null);
    }
  });

  it('words an amount or a count in the file\'s own convention, quoting the cell', () => {
    expect(parseValues({ sku: 'A-1', title: 'Tasse', price: 'zwölf', on_hand: '1.000' }, 2, 'comma').issues).toEqual([
      { row: 2, column: 'price', message: 'price must be an amount such as "12,50" (found "zwölf")' },
      {
        row: 2,
        column: 'on_hand',
        message: 'on_hand must be a whole number of 0 or more (found "1.000"): write it without a thousands separator (1000); a separator could also be read as a decimal mark',
      },
    ]);
    const long = 'A very long text that landed in the price column by mistake';
    expect(parseValues({ sku: 'A-1', title: 'Cup', price: long, on_hand: "1'000" }, 3).issues).toEqual([
      { row: 3, column: 'price', message: `price must be an amount such as "12.50" (found "${long.slice(0, 39)}…")` },
      {
        row: 3,
        column: 'on_hand',
        message: 'on_hand must be a whole number of 0 or more (found "1\'000"): write it without a thousands separator (1000); a separator could also be read as a decimal mark',
      },
    ]);
  });

  it('words a compare-at price and a cost that cannot be read as a price, in the file\'s own convention', () => {
    expect(parseValues({ sku: 'A-1', title: 'Tasse', price: '12,00', compare_at_price: 'zwölf' }, 2, 'comma').issues).toEqual([
      { row: 2, column: 'compare_at_price', message: 'compare_at_price must be an amount such as "12,50" (found "zwölf")' },
    ]);
    expect(parseValues({ sku: 'A-1', title: 'Cup', price: '12.00', compare_at_price: '15,00', cost: '7,50' }, 3).issues).toEqual([
      {
        row: 3,
        column: 'compare_at_price',
        message: 'compare_at_price must be an amount such as "12.50" (found "15,00"); this file writes decimals with a comma ("15,00"): choose the decimal comma',
      },
      { row: 3, column: 'cost', message: 'cost must be an amount such as "12.50" (found "7,50"); this file writes decimals with a comma ("7,50"): choose the decimal comma' },
    ]);
    // Purchasing's own check, without the import's reader of the file's cells, words it the same way.
    expect(purchasingCellIssues(4, { cost: 'sieben' })).toEqual([{ row: 4, column: 'cost', message: 'cost must be an amount such as "12.50" (found "sieben")' }]);
  });

  it('takes the quantities the schema takes', () => {
    const quantities = [0, 1, 17, QUANTITY_MAX, QUANTITY_MAX + 1, -QUANTITY_MAX, -QUANTITY_MAX - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1.5, Number.NaN, Infinity];
    for (const quantity of quantities) expect(plainQuantity(quantity), String(quantity)).toBe(quantitySchema.safeParse(quantity).success);
  });

  it('leaves the problems of a row as the schema words them (row, column, message)', () => {
    const result = parseValues({ sku: 'SKU 1', title: ' ', price: '12,50', gtin: '4000000000014', currency: 'ZZZ', location: 'lager süd', on_hand: '5' }, 7);
    expect(result.issues).toEqual([
      { row: 7, column: 'title', message: 'title is required' },
      { row: 7, column: 'sku', message: 'SKU may contain only letters, digits, "-", "_" and "." (found " ")' },
      { row: 7, column: 'gtin', message: 'GTIN check digit is 4 but should be 3; check for a typing error' },
      { row: 7, column: 'price', message: 'price must be an amount such as "12.50" (found "12,50"); this file writes decimals with a comma ("12,50"): choose the decimal comma' },
      { row: 7, column: 'currency', message: 'currency must be an ISO 4217 code such as EUR, USD or GBP' },
      { row: 7, column: 'location', message: 'location code is 1–32 letters, digits, "-" or "_", starting with a letter or digit' },
    ]);
  });
});
