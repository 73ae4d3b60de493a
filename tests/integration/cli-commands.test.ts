import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { defaultDataDir } from '../../electron/core/data-dir';
import { tempDir } from '../helpers/core';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI arguments and errors', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('stockfeed-cli-');
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('prints help for the CLI and for each command', async () => {
    const general = await cli('--help');
    expect(general.code).toBe(0);
    expect(general.out).toContain('import <file.csv>');
    expect(general.out).toContain('check');
    for (const command of ['import', 'export', 'check']) {
      const viaFlag = await cli(command, '--help');
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.out).toContain(`Usage: npm run cli -- ${command}`);
      expect((await cli('help', command)).out).toBe(viaFlag.out);
    }
    expect((await cli('import', '-h')).out).toContain('--dry-run');
  });

  it('exits 2 with a pointer to the help on wrong usage', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: npm run cli/],
      [['frobnicate'], /There is no command "frobnicate"; the commands are import, export, check/],
      [['import'], /import needs exactly one file name \(got none\)/],
      [['import', 'a.csv', 'b.csv'], /import needs exactly one file name/],
      [['check', 'extra'], /check takes no file/],
      [['export', 'x.csv', '--dry-run'], /--dry-run applies only to import/],
      [['import', 'x.csv', '--bogus'], /Unknown option '--bogus'/],
      [['import', 'x.csv', '--data'], /--data/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.out).toBe('');
    }
  });

  it('exits 1 with one clear sentence, never a stack trace, for a failure', async () => {
    const data = dir();
    const missing = await cli('import', path.join(data, 'nope.csv'), '--data', data);
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toMatch(/^error: Cannot import .*nope\.csv: there is no such file\.$/);

    // export and check do not create a database where there is none: a mistyped --data says so.
    const empty = path.join(dir(), 'typo');
    for (const args of [['check'], ['export', path.join(data, 'out.csv')]]) {
      const result = await cli(...args, '--data', empty);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`There is no Stockfeed database in ${empty}`);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
    expect(fs.existsSync(empty)).toBe(false);

    const noFolder = await cli('export', path.join(data, 'missing-folder', 'out.csv'), '--data', data);
    expect(noFolder.code).toBe(1);
    expect(noFolder.err).toContain('does not exist');

    const badUrl = await runCli(['check', '--data', data], { out: () => {}, err: (t) => expect(t).toContain('DATABASE_URL must be a postgres:// URL') }, { DATABASE_URL: 'mysql://x' });
    expect(badUrl).toBe(1);
  });

  it('imports a Windows-1252 semicolon file as detected, and a Shopify export with --preset, listing the rows it skipped', async () => {
    const data = dir();
    const fixtures = path.resolve('tests/fixtures/csv');
    const excel = await cli('import', path.join(fixtures, 'semicolon-windows-1252.csv'), '--data', data);
    expect(excel).toMatchObject({ code: 0, err: '' });
    expect(excel.out).toContain('Read as Windows-1252, semicolon-separated, decimal comma.');
    expect(excel.out).toContain('Imported semicolon-windows-1252.csv: 3 created');

    const shopify = await cli('import', path.join(fixtures, 'shopify-products-export.csv'), '--preset', 'shopify', '--dry-run', '--data', data);
    expect(shopify.code).toBe(0);
    expect(shopify.out).toContain('Read as UTF-8, comma-separated, decimal point, Shopify product export.');
    expect(shopify.out).toContain('2 rows skipped:\n  row 6: an image of organic-cotton-tee');
    expect(shopify.out).toContain('Would create 6');

    const wrong = await cli('import', path.join(fixtures, 'shopify-products-export.csv'), '--preset', 'magento', '--data', data);
    expect(wrong).toMatchObject({ code: 2 });
    expect(wrong.err).toContain('--preset is shopify or woocommerce');
    expect((await cli('export', path.join(data, 'x.csv'), '--preset', 'shopify')).err).toContain('--preset applies only to import');
  });

  it('reads another header with --map COLUMN=FIELD, refused in words as the HTTP mapping is', async () => {
    const data = dir();
    const file = path.join(data, 'artikel.csv');
    fs.writeFileSync(file, 'Artikelnummer;Name;Preis;Bestand;Farbe\nMAP-CLI-1;Becher = groß;4,50;3;rot\n');
    const maps = ['--map', 'Artikelnummer=sku', '--map', 'Name=title', '--map', 'Preis=price', '--map', 'Bestand=on_hand'];
    const good = await cli('import', file, ...maps, '--data', data);
    expect(good).toMatchObject({ code: 0, err: '' });
    expect(good.out).toContain('Imported artikel.csv: 1 created');

    const usage: Array<[string[], RegExp]> = [
      [['--map', 'Farbe=colour'], /--map: "colour" is not a field; the mapping's keys are Stockfeed fields: sku, title/],
      [['--map', 'Farbe'], /--map takes a column of the file and a field, as --map "Article number=sku" \(got "Farbe"\)/],
      [['--map', 'Farbe=title'], /--map gives title two columns \("Name" and "Farbe"\); choose one/],
    ];
    for (const [extra, message] of usage) {
      const result = await cli('import', file, ...maps, ...extra, '--dry-run', '--data', data);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
    }
    const twice = await cli('import', file, ...maps, '--map', 'Artikelnummer=mpn', '--dry-run', '--data', data);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('row 1, Artikelnummer: the column "Artikelnummer" is chosen for both sku and mpn; choose it for one field only');
    const missing = await cli('import', file, ...maps, '--map', 'EAN=gtin', '--dry-run', '--data', data);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('row 1, EAN: the mapping names the column "EAN" for gtin, but the header has no such column');
    expect((await cli('export', path.join(data, 'x.csv'), '--map', 'a=sku')).err).toContain('--map applies only to import');
    expect((await cli('import', '--help')).out).toContain('--map C=F');
  });

  it('imports a Shopify export with a negative count, printing the row it left the count out of', async () => {
    const data = dir();
    const file = path.join(data, 'products_export.csv');
    fs.writeFileSync(file, 'Handle,Title,Variant SKU,Variant Inventory Qty,Variant Price\noversold,Oversold cap,CLI-OVER,-2,15.00\n');
    const result = await cli('import', file, '--preset', 'shopify', '--data', data);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(
      '1 product imported without its count (count it and record the stock):\n  row 2: CLI-OVER: Shopify says -2: it oversold; the product is imported without this count',
    );
    expect(result.out).not.toContain('skipped:');
    expect(result.out).toContain('Imported products_export.csv: 1 created');

    fs.writeFileSync(file, 'Handle,Title,Variant SKU,Variant Inventory Qty,Variant Price\na,A,CLI-OVER-A,-1,5.00\nb,B,CLI-OVER-B,-3,6.00\n');
    const dry = await cli('import', file, '--preset', 'shopify', '--dry-run', '--data', data);
    expect(dry.out).toContain('2 products would be imported without their count (count them and record the stock):\n  row 2: CLI-OVER-A: Shopify says -1');
    expect(dry.out).toContain('\n  row 3: CLI-OVER-B: Shopify says -3');
  });

  it('defaults the data folder to XDG_DATA_HOME/stockfeed or ~/.local/share/stockfeed', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/srv/data' }, '/home/ann')).toBe('/srv/data/stockfeed');
    expect(defaultDataDir({}, '/home/ann')).toBe('/home/ann/.local/share/stockfeed');
    // The XDG spec says to ignore a relative path.
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.local/share/stockfeed');
  });
});
