/**
 * The import screen's reading of a file under Node: what it detects and shows, the column choices
 * (one field per column, one column per field), and what it sends so the server reads the file
 * exactly as it was previewed.
 */
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/schemas/catalog';
import { ipcImport, uploadImport, type XhrLike } from '../../renderer/src/api/catalog-transfer';
import { assignColumn, missingFields, readFileChoices, requestFormat } from '../../renderer/src/import-choices';

/** Text as Windows-1252 bytes (what Excel on Windows saves), € included. */
const cp1252 = (text: string) => Uint8Array.from([...text].map((c) => (c === '€' ? 0x80 : (c.codePointAt(0) as number))));
const ascii = (text: string) => new TextEncoder().encode(text);

const EXCEL_FILE = cp1252(
  'sku;title;description;brand;price;sale_price;on_hand\r\n' +
    'CAFE-001;Café crème 250 g;"Röstung: mittel; Bohnen";Müller;12,50;9,90;24\r\n' +
    'TEE-1;Grüner Tee;"in €";Teehaus;1.234,00;;5\r\n',
);
const SHOPIFY_FILE = ascii(
  'Handle,Title,Body (HTML),Vendor,Tags,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Status\n' +
    'tee,Tee,"<p>Soft, cotton</p>",Acme,"a, b",Size,S,TEE-S,3,24.00,29.00,https://x.test/t.jpg,active\n',
);

describe('readFileChoices', () => {
  it('detects a Windows-1252 semicolon file with decimal commas, and reads its own header as is', () => {
    const read = readFileChoices({ bytes: EXCEL_FILE, whole: true });
    expect(read.detected).toEqual({ encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', preset: null });
    expect(read.choices).toMatchObject({ encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', preset: null });
    expect(read.choices.columns).toEqual(['sku', 'title', 'description', 'brand', 'price', 'sale_price', 'on_hand']);
    expect(read.preview.rows[0]?.[1]).toBe('Café crème 250 g');
    expect(read.preview.rows[1]?.[2]).toBe('in €');
    // Stockfeed's own header needs no mapping: the file is read as the strict format.
    expect(requestFormat(read.choices, read.preview.header)).toEqual({ encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma' });
  });

  it('recognises a Shopify export and maps its columns by the preset', () => {
    const read = readFileChoices({ bytes: SHOPIFY_FILE, whole: true });
    expect(read.detected.preset).toBe('shopify');
    const { header } = read.preview;
    const at = (name: string) => read.choices.columns[header.indexOf(name)];
    expect([at('Variant SKU'), at('Title'), at('Variant Price'), at('Handle'), at('Tags')]).toEqual(['sku', 'title', 'price', 'item_group_id', null]);
    const format = requestFormat(read.choices, header);
    expect(format).toMatchObject({ preset: 'shopify', encoding: 'utf-8', delimiter: 'comma', decimal: 'point' });
    expect(format.mapping).toMatchObject({ sku: 'Variant SKU', price: 'Variant Price', compare_at_price: 'Variant Compare At Price' });
  });

  it('keeps what the user chose over what it detects, and re-reads the header with it', () => {
    const bytes = EXCEL_FILE;
    const first = readFileChoices({ bytes, whole: true });
    const comma = readFileChoices({ bytes, whole: true }, { ...first.choices, delimiter: 'comma' }, first);
    expect(comma.detected.delimiter).toBe('semicolon');
    expect(comma.preview.header).toHaveLength(1);
    const utf8 = readFileChoices({ bytes, whole: true }, { ...first.choices, encoding: 'utf-8' }, first);
    expect(utf8.preview.rows[0]?.[1]).toBe('Caf\uFFFD cr\uFFFDme 250 g');
  });
});

describe('column choices', () => {
  it('gives a field to one column only, and says which required fields have no column', () => {
    const columns = assignColumn(['sku', 'title', null], 2, 'title');
    expect(columns).toEqual(['sku', null, 'title']);
    expect(missingFields(columns)).toEqual(['price']);
    expect(assignColumn(columns, 0, null)).toEqual([null, null, 'title']);
  });
});

const report = { ok: true } as ImportReport;

describe('sending the choices', () => {
  it('puts the format and the mapping in the upload query', () => {
    const state = { url: '' };
    const xhr = {
      open: (_m: string, url: string) => (state.url = url),
      setRequestHeader: () => undefined,
      send: () => undefined,
      abort: () => undefined,
      status: 0,
      statusText: '',
      responseText: '',
      upload: { addEventListener: () => undefined },
      addEventListener: () => undefined,
    } satisfies XhrLike;
    const format = { encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', preset: 'shopify', mapping: { sku: 'Variant SKU' } } as const;
    uploadImport(
      { file: { name: 'a.csv', size: 1, text: async () => '', body: '' }, dryRun: true, onProgress: () => undefined, format },
      { createXhr: () => xhr },
    );
    const query = new URL(state.url, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      dryRun: 'true',
      name: 'a.csv',
      encoding: 'windows-1252',
      delimiter: 'semicolon',
      decimal: 'comma',
      preset: 'shopify',
      mapping: '{"sku":"Variant SKU"}',
    });
  });

  it('sends the decoded text with the format (no encoding: it is text by then) over IPC', async () => {
    const calls: unknown[] = [];
    const run = ipcImport(
      {
        file: { name: 'a.csv', size: 1, text: async () => 'Ref;Nom;Prix\n', body: null },
        dryRun: true,
        onProgress: () => undefined,
        format: { encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', mapping: { sku: 'Ref', title: 'Nom', price: 'Prix' } },
      },
      { 'catalog.import': async (input) => (calls.push(input), report) },
    );
    await run.result;
    expect(calls).toEqual([
      { csv: 'Ref;Nom;Prix\n', dryRun: true, name: 'a.csv', delimiter: 'semicolon', decimal: 'comma', mapping: { sku: 'Ref', title: 'Nom', price: 'Prix' } },
    ]);
  });
});
