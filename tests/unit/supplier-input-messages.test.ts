import { describe, expect, it } from 'vitest';
import { supplierCreateInput, supplierUpdateInput } from '../../shared/schemas/purchasing';

/**
 * The Purchasing screen shows a refused supplier's messages under the fields as they come
 * ("Lead time (days)": "The lead time cannot be negative."), so they are in the shop owner's
 * words; the path (`leadTimeDays`) already names the field for scripts.
 */
describe('a supplier’s lead time is refused in words, not by its field name', () => {
  const messageFor = (leadTimeDays: unknown) => {
    const result = supplierCreateInput.safeParse({ name: 'Potter & Co', leadTimeDays });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(['leadTimeDays']);
    return issue?.message;
  };

  it('says what is wrong with the lead time', () => {
    expect(messageFor(-3)).toBe('the lead time cannot be negative');
    expect(messageFor(2.5)).toBe('the lead time must be a whole number of days');
    expect(messageFor(400)).toBe('the lead time is at most 365 days');
    expect(messageFor('soon')).toBe('the lead time must be a number of days');
  });

  it('words an update the same way', () => {
    const result = supplierUpdateInput.safeParse({ id: '01a24d07-58f0-7144-ac88-38f901743412', leadTimeDays: -1 });
    expect(result.error?.issues.map((i) => i.message)).toEqual(['the lead time cannot be negative']);
  });
});
