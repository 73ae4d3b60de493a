/**
 * A large made-up catalogue as an import CSV, for the UI benchmark: varied titles (so a title
 * search matches a realistic share), GTINs with valid check digits, variant groups, two locations.
 */
import fs from 'node:fs';

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
