import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuid7 } from '../../electron/core/util/uuid7';

describe('uuid7', () => {
  it('makes valid version-7 UUIDs that increase, even within one millisecond', () => {
    const fixed = 1_795_000_000_000;
    const ids = Array.from({ length: 5000 }, () => uuid7(fixed));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(z.uuid().safeParse(id).success).toBe(true);
    }
  });

  it('starts with the time in milliseconds', () => {
    const at = Date.UTC(2030, 0, 1);
    const id = uuid7(at);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });

  it('writes the milliseconds exactly, across every byte of them (ids written byte by byte, not from a hex dump)', () => {
    // Increasing and later than any other test's: the clock never goes back for an earlier id.
    const times = [0x200_0000_0000, 0x200_0000_00ff, 0x200_00ff_ffff, 0x200_0100_0000, 0x2ff_ffff_ffff, 0xabc_def0_1234, 0xffff_ffff_fffe];
    for (const at of times) {
      const id = uuid7(at);
      expect(id.slice(0, 8) + id.slice(9, 13)).toBe(at.toString(16).padStart(12, '0'));
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('gives each id its own random bits', () => {
    const tails = new Set(Array.from({ length: 2000 }, () => uuid7(Date.UTC(2031, 0, 1)).slice(19)));
    expect(tails.size).toBe(2000);
  });
});
