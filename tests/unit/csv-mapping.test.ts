/**
 * Which column of a file fills which Stockfeed field: guessed by name for any spreadsheet, and
 * fixed by the Shopify and WooCommerce presets for their product exports (real headers, in the
 * fixtures).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guessMappingByName } from '../../shared/csv/import-fields';
import { detectPreset, guessMapping, presetMapping } from '../../shared/csv/import-presets';
import { readCsvStart } from '../../shared/csv/csv-text';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const headerOf = (name: string) => readCsvStart(fs.readFileSync(path.join(fixtures, name), 'utf8'), ',', 1).header;

describe('guessMappingByName', () => {
  it("maps Stockfeed's own header to itself", () => {
    const header = headerOf('good.csv');
    const mapping = guessMappingByName(header);
    for (const column of header) expect(mapping[column as keyof typeof mapping]).toBe(column);
  });

  it('recognises common names in any case and spelling, and ignores what it does not know', () => {
    expect(guessMappingByName(['Article Number', 'Product Name', 'EAN', 'Preis', 'Qty', 'Colour', 'Image URL'])).toEqual({
      sku: 'Article Number',
      title: 'Product Name',
      gtin: 'EAN',
      price: 'Preis',
      on_hand: 'Qty',
      image_url: 'Image URL',
    });
  });

  it('gives a field to the first column that names it', () => {
    expect(guessMappingByName(['Name', 'Title', 'SKU'])).toEqual({ title: 'Name', sku: 'SKU' });
  });
});

describe('presets', () => {
  it("recognises Shopify's export (classic and 2025 headers) and WooCommerce's, and nothing else", () => {
    expect(detectPreset(headerOf('shopify-products-export.csv'))).toBe('shopify');
    expect(detectPreset(['URL handle', 'Title', 'Description', 'SKU', 'Price', 'Inventory quantity'])).toBe('shopify');
    expect(detectPreset(headerOf('woocommerce-product-export.csv'))).toBe('woocommerce');
    expect(detectPreset(headerOf('good.csv'))).toBeNull();
    expect(detectPreset(['sku', 'name', 'type'])).toBeNull();
  });

  it("maps Shopify's classic export", () => {
    expect(presetMapping('shopify', headerOf('shopify-products-export.csv'))).toEqual({
      sku: 'Variant SKU',
      title: 'Title',
      description: 'Body (HTML)',
      brand: 'Vendor',
      gtin: 'Variant Barcode',
      mpn: 'Google Shopping / MPN',
      condition: 'Google Shopping / Condition',
      price: 'Variant Price',
      compare_at_price: 'Variant Compare At Price',
      image_url: 'Image Src',
      status: 'Status',
      item_group_id: 'Handle',
      on_hand: 'Variant Inventory Qty',
      // Issue 19: Shopify's product type and Google category fill the category columns.
      product_type: 'Type',
      google_product_category: 'Google Shopping / Google Product Category',
    });
  });

  it("maps Shopify's 2025 header", () => {
    const header = ['URL handle', 'Title', 'Description', 'Vendor', 'Status', 'SKU', 'Barcode', 'Price', 'Compare-at price', 'Inventory quantity', 'Product image URL'];
    expect(presetMapping('shopify', header)).toEqual({
      sku: 'SKU',
      title: 'Title',
      description: 'Description',
      brand: 'Vendor',
      gtin: 'Barcode',
      price: 'Price',
      compare_at_price: 'Compare-at price',
      image_url: 'Product image URL',
      status: 'Status',
      item_group_id: 'URL handle',
      on_hand: 'Inventory quantity',
    });
  });

  it("maps WooCommerce's export", () => {
    const header = headerOf('woocommerce-product-export.csv');
    expect(guessMapping(header, detectPreset(header))).toEqual({
      sku: 'SKU',
      title: 'Name',
      description: 'Description',
      brand: 'Brands',
      gtin: 'GTIN, UPC, EAN, or ISBN',
      price: 'Regular price',
      sale_price: 'Sale price',
      image_url: 'Images',
      status: 'Published',
      item_group_id: 'Parent',
      on_hand: 'Stock',
    });
  });
});
