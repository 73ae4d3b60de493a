import { describe, expect, it } from 'vitest';
import { normaliseSku, skuProblem, SKU_MAX_LENGTH } from '../../shared/domain/sku';
import { skuSchema } from '../../shared/schemas/common';

describe('normaliseSku', () => {
  it('trims and upper-cases what was typed or scanned', () => {
    expect(normaliseSku('  ab-12.c_d \n')).toBe('AB-12.C_D');
    expect(normaliseSku('\tmug-blue')).toBe('MUG-BLUE');
  });

  it('does not remove characters inside the SKU (validation reports them instead)', () => {
    expect(normaliseSku(' a b ')).toBe('A B');
  });
});

describe('skuProblem', () => {
  it('accepts letters, digits, "-", "_" and "."', () => {
    expect(skuProblem('AB-12.C_D')).toBeNull();
    expect(skuProblem('0')).toBeNull();
    expect(skuProblem('X'.repeat(SKU_MAX_LENGTH))).toBeNull();
  });

  it('requires a SKU', () => {
    expect(skuProblem('')).toBe('SKU is required');
  });

  it('limits the length to the Merchant Center id limit of 50', () => {
    expect(SKU_MAX_LENGTH).toBe(50);
    expect(skuProblem('X'.repeat(51))).toBe('SKU is 51 characters; the limit is 50');
  });

  it('names every distinct character it refuses, once', () => {
    expect(skuProblem('AB 12 C')).toBe('SKU may contain only letters, digits, "-", "_" and "." (found " ")');
    expect(skuProblem('A/B#C/D')).toBe('SKU may contain only letters, digits, "-", "_" and "." (found "/", "#")');
  });

  it('refuses lower-case letters, so callers must normalise first', () => {
    expect(skuProblem('ab')).toMatch(/found "a", "b"/);
  });

  it('refuses accented letters and other scripts', () => {
    expect(skuProblem(normaliseSku('café'))).toBe('SKU may contain only letters, digits, "-", "_" and "." (found "É")');
    expect(skuProblem('日本')).toMatch(/found "日", "本"/);
  });
});

describe('skuSchema (the contract field)', () => {
  it('normalises before it validates', () => {
    expect(skuSchema.parse('  mug-1 ')).toBe('MUG-1');
  });

  it('reports a blank SKU as missing, not as a bad character', () => {
    const result = skuSchema.safeParse('   ');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['SKU is required']);
  });

  it('refuses a number and a missing value with "SKU is required"', () => {
    expect(skuSchema.safeParse(123).error?.issues[0]?.message).toBe('SKU is required');
    expect(skuSchema.safeParse(undefined).error?.issues[0]?.message).toBe('SKU is required');
  });
});
