import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { parseInput } from '../../shared/validation';

const schema = z.object({
  sku: z.string(),
  lines: z.array(z.object({ note: z.string(), tags: z.array(z.string()) })),
  meta: z.object({ a: z.object({ b: z.string() }) }),
});

const clean = { sku: 'A-1', lines: [{ note: 'x', tags: ['t'] }, { note: 'y', tags: ['u', 'v'] }], meta: { a: { b: 'deep' } } };

/** The error parseInput throws for `value`, or null when it parses. */
function refusal(value: unknown): AppError | null {
  try {
    parseInput(schema, value);
    return null;
  } catch (error) {
    return error as AppError;
  }
}

describe('parseInput refuses a NUL character and names where it is', () => {
  it.each([
    ['a top-level field', { ...clean, sku: 'A\u00001' }, 'sku'],
    ['an array element in an object in an array', { ...clean, lines: [clean.lines[0], { note: 'y', tags: ['u', 'v\u0000'] }] }, 'lines.1.tags.1'],
    ['a nested object', { ...clean, meta: { a: { b: '\u0000' } } }, 'meta.a.b'],
    ['the body itself', 'text\u0000', '(body)'],
  ])('in %s', (_where, value, path) => {
    const error = refusal(value);
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toBe(`${path}: must not contain a NUL character (\\u0000)`);
    expect(error?.details).toEqual({ issues: [{ path, message: 'must not contain a NUL character (\\u0000)' }] });
  });

  it('names the first NUL in key order, and passes input without one', () => {
    expect(refusal({ ...clean, sku: '\u0000', meta: { a: { b: '\u0000' } } })?.message).toMatch(/^sku: /);
    expect(refusal(clean)).toBeNull();
    expect(parseInput(schema, clean)).toEqual(clean);
  });

  it('still reports what the schema refuses', () => {
    expect(refusal({ ...clean, meta: { a: { b: 1 } } })?.message).toMatch(/^meta\.a\.b: /);
  });
});
