/**
 * Reads back the bars of an SVG barcode, written independently of the library that drew it (from
 * the EAN/UPC and Code 128 specifications' tables), so a test can tell that what a label shows is
 * what a scanner will read.
 */

/** The SVG's bars as one module per character ('1' bar, '0' space), from its left edge. */
export function svgModules(svg: string): string {
  const bars: Array<[number, number]> = [];
  for (const path of svg.matchAll(/<path stroke="[^"]+" stroke-width="([\d.]+)" d="([^"]+)"/g)) {
    const width = Number(path[1]);
    for (const segment of (path[2] ?? '').matchAll(/M([\d.]+) [\d.]+L([\d.]+) [\d.]+/g)) {
      const x = Number(segment[1]);
      if (x !== Number(segment[2])) throw new Error('a bar that is not vertical');
      bars.push([Math.round(x - width / 2), Math.round(x + width / 2)]);
    }
  }
  const end = Math.max(...bars.map(([, right]) => right));
  const modules = Array.from({ length: end }, () => '0');
  for (const [left, right] of bars) modules.fill('1', left, right);
  return modules.join('').replace(/^0+/, '');
}

const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((code) => [...code].map((bit) => (bit === '1' ? '0' : '1')).join(''));
const G = R.map((code) => [...code].reverse().join(''));
/** EAN-13's first digit, told by which left-hand digits use the G (even) set. */
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

function half(modules: string, count: number, sets: Record<'L' | 'G' | 'R', string[]>): { digits: string; parity: string } {
  let digits = '';
  let parity = '';
  for (let i = 0; i < count; i++) {
    const code = modules.slice(i * 7, i * 7 + 7);
    const found = (['L', 'G', 'R'] as const).find((set) => sets[set].includes(code));
    if (!found) throw new Error(`no EAN digit is ${code}`);
    digits += String(sets[found].indexOf(code));
    parity += found;
  }
  return { digits, parity };
}

/**
 * The digits of an EAN-13, UPC-A (an EAN-13 whose first digit is 0) or EAN-8 symbol: start guard
 * 101, the left digits in L/G, centre guard 01010, the right digits in R, end guard 101.
 */
export function decodeEan(modules: string): string {
  const perHalf = modules.length >= 95 ? 6 : 4;
  const length = 3 + perHalf * 7 + 5 + perHalf * 7 + 3;
  const symbol = modules.slice(0, length);
  const left = symbol.slice(3, 3 + perHalf * 7);
  const right = symbol.slice(3 + perHalf * 7 + 5, length - 3);
  if (symbol.slice(0, 3) !== '101' || symbol.slice(3 + perHalf * 7, 3 + perHalf * 7 + 5) !== '01010' || symbol.slice(-3) !== '101') {
    throw new Error(`not an EAN symbol: ${symbol}`);
  }
  const a = half(left, perHalf, { L, G, R: [] });
  const b = half(right, perHalf, { L: [], G: [], R });
  if (perHalf === 4) return a.digits + b.digits;
  const first = PARITY.indexOf(a.parity);
  if (first < 0) throw new Error(`no first digit has parity ${a.parity}`);
  return String(first) + a.digits + b.digits;
}

/** Code 128's 107 symbols as bar, space, bar, … widths in modules; 106 is the stop. */
const CODE128 = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222 ' +
  '123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321 ' +
  '232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 ' +
  '313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 ' +
  '111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 ' +
  '114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112'
).split(' ');

function asModules(widths: string): string {
  return [...widths].map((width, i) => (i % 2 === 0 ? '1' : '0').repeat(Number(width))).join('');
}

/** The table itself, checked: every symbol 11 modules wide (the stop 13), all different. */
export const CODE128_MODULES = CODE128.map(asModules);

/** The text of a Code 128 symbol (sets A, B and C), its check symbol verified. */
export function decodeCode128(modules: string): string {
  const values: number[] = [];
  let at = 0;
  for (;;) {
    const width = modules.startsWith(CODE128_MODULES[106] as string, at) ? 13 : 11;
    const value = CODE128_MODULES.indexOf(modules.slice(at, at + width));
    if (value < 0) throw new Error(`no Code 128 symbol at module ${at}: ${modules.slice(at, at + width)}`);
    at += width;
    if (value === 106) break;
    values.push(value);
  }
  const [start, ...rest] = values;
  const check = rest.pop();
  const sum = rest.reduce((total, value, i) => total + value * (i + 1), start ?? 0);
  if (start === undefined || check !== sum % 103) throw new Error('Code 128 check symbol does not match');
  let set = start === 103 ? 'A' : start === 104 ? 'B' : 'C';
  let text = '';
  for (const value of rest) {
    if (set === 'C' && value < 100) text += String(value).padStart(2, '0');
    else if (value === 99) set = 'C';
    else if (value === 100) set = 'B';
    else if (value === 101) set = 'A';
    else if (value < 64 || set === 'B') text += String.fromCharCode(value + 32);
    else throw new Error(`control character ${value - 64} in set A`);
  }
  return text;
}
