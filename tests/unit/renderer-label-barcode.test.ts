/**
 * Which barcode a label carries (EAN-13/UPC-A/EAN-8 from a valid GTIN, Code 128 of the SKU
 * otherwise), and that the bars bwip-js draws for it read back as those digits, decoded here from
 * the symbologies' own tables.
 */
import { describe, expect, it } from 'vitest';
import { renderBarcodeSvg } from '../../renderer/src/labels/barcode-svg';
import { chooseBarcode, describeBarcode } from '../../renderer/src/labels/label-barcode';
import { CODE128_MODULES, decodeCode128, decodeEan, svgModules } from '../helpers/barcode-decode';

const product = (gtin: string | null, sku = 'MUG-BLUE') => ({ sku, gtin });

describe('chooseBarcode', () => {
  it('prints a GTIN-13 as EAN-13, a GTIN-12 as UPC-A and a GTIN-8 as EAN-8', () => {
    expect(chooseBarcode(product('4006381333931'))).toEqual({ kind: 'ean13', value: '4006381333931', note: null });
    expect(chooseBarcode(product('036000291452'))).toEqual({ kind: 'upca', value: '036000291452', note: null });
    expect(chooseBarcode(product('96385074'))).toEqual({ kind: 'ean8', value: '96385074', note: null });
  });

  it('prints a GTIN-14 with indicator 0 as the shorter symbol inside it, the one a till scans', () => {
    expect(chooseBarcode(product('04006381333931'))).toMatchObject({ kind: 'ean13', value: '4006381333931' });
    expect(chooseBarcode(product('00036000291452'))).toMatchObject({ kind: 'upca', value: '036000291452' });
    expect(chooseBarcode(product('00000096385074'))).toMatchObject({ kind: 'ean8', value: '96385074' });
  });

  it('prints the SKU as Code 128 when there is no GTIN', () => {
    expect(chooseBarcode(product(null))).toEqual({ kind: 'code128', value: 'MUG-BLUE', note: null });
    expect(chooseBarcode(product('  '))).toEqual({ kind: 'code128', value: 'MUG-BLUE', note: null });
  });

  it('never prints a GTIN whose check digit is wrong: the SKU instead, and says why', () => {
    const choice = chooseBarcode(product('4006381333932'));
    expect(choice).toMatchObject({ kind: 'code128', value: 'MUG-BLUE' });
    expect(choice.note).toContain('GTIN 4006381333932 is not valid');
    expect(choice.note).toContain('check digit is 2 but should be 1');
    expect(chooseBarcode(product('12345'))).toMatchObject({ kind: 'code128', note: expect.stringContaining('5 digits') });
  });

  it('prints the SKU for a case or carton GTIN-14 (indicator 1–8), whose ITF-14 fits no label', () => {
    const choice = chooseBarcode(product('10614141000415'));
    expect(choice).toMatchObject({ kind: 'code128', value: 'MUG-BLUE' });
    expect(choice.note).toContain('case or carton');
  });

  it('accepts the spaces and hyphens people type between digit groups', () => {
    expect(chooseBarcode(product('4 006381 333931'))).toMatchObject({ kind: 'ean13', value: '4006381333931' });
  });

  it('names the symbology and value for the preview and screen readers', () => {
    expect(describeBarcode({ kind: 'upca', value: '036000291452' })).toBe('UPC-A 036000291452');
  });
});

describe('the bars drawn', () => {
  it('uses a Code 128 table that is itself right (11 modules a symbol, 13 for the stop, all different)', () => {
    expect(CODE128_MODULES).toHaveLength(107);
    expect(new Set(CODE128_MODULES).size).toBe(107);
    CODE128_MODULES.forEach((modules, value) => expect(modules.length, `symbol ${value}`).toBe(value === 106 ? 13 : 11));
  });

  it('EAN-13 4006381333931 reads back as its 13 digits', () => {
    const modules = svgModules(renderBarcodeSvg('ean13', '4006381333931').svg);
    // The start guard, then 0 in L (first digit 4: parity L G L L G G), 0 in G, 6 in L.
    expect(modules.slice(0, 24)).toBe('101' + '0001101' + '0100111' + '0101111');
    expect(decodeEan(modules)).toBe('4006381333931');
  });

  it('UPC-A and EAN-8 read back as theirs', () => {
    expect(decodeEan(svgModules(renderBarcodeSvg('upca', '036000291452').svg))).toBe('0036000291452');
    expect(decodeEan(svgModules(renderBarcodeSvg('ean8', '96385074').svg))).toBe('96385074');
  });

  it('Code 128 reads back as the SKU, letters, digits and punctuation alike', () => {
    for (const sku of ['MUG-BLUE', 'TEE_M.2024', '12345678', 'A1']) {
      expect(decodeCode128(svgModules(renderBarcodeSvg('code128', sku).svg)), sku).toBe(sku);
    }
  });

  it('leaves each symbol its quiet zone: ten modules before Code 128, eleven before EAN-13', () => {
    const code = renderBarcodeSvg('code128', 'MUG-BLUE');
    expect(code.svg).toMatch(/^<svg viewBox="0 0 \d+ \d+"/);
    expect(firstBarAt(code.svg)).toBe(10);
    expect(firstBarAt(renderBarcodeSvg('ean13', '4006381333931').svg)).toBe(11);
  });

  it('refuses a wrong check digit rather than drawing it', () => {
    expect(() => renderBarcodeSvg('ean13', '4006381333932')).toThrow(/check digit/i);
  });

  it('sizes the bars to the box it is given, within sensible limits', () => {
    const wide = renderBarcodeSvg('ean13', '4006381333931', 4);
    const tall = renderBarcodeSvg('ean13', '4006381333931', 1.5);
    expect(wide.aspect).toBeGreaterThan(tall.aspect);
    expect(wide.aspect).toBeCloseTo(4, 0);
    expect(wide.modules).toBe(tall.modules);
  });
});

function firstBarAt(svg: string): number {
  const xs = [...svg.matchAll(/stroke-width="([\d.]+)" d="([^"]+)"/g)].flatMap((m) =>
    [...(m[2] ?? '').matchAll(/M([\d.]+) /g)].map((x) => Number(x[1]) - Number(m[1]) / 2),
  );
  return Math.round(Math.min(...xs));
}
