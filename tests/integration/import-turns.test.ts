/**
 * Issue 17 (import speed): a streamed import plans the next batch while the batch before has its
 * counts written, and node-sqlite3 sends each queued count write to SQLite only from the main
 * thread. The plan and the reading share the main thread in turns (util/main-turns.ts), and the
 * reading waits while a batch is planned (import-stream.ts), so that the plan, which the writes
 * wait for next, is done first. These tests hold that no CSV text is read while a batch is
 * planned, and that planning a batch gives the event loop turns as it goes over its rows.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { STREAM_FROM, STREAM_ROWS } from '../../electron/core/catalog/import-stream';
import { engines, startCore, type TestCore } from '../helpers/core';

const probe = vi.hoisted(() => ({ planning: 0, parsed: 0, parsedWhilePlanning: 0, plans: 0, turnsWhilePlanning: 0, alwaysDue: false }));

// Every record the reading checks (import-read.ts), counted, and those checked while a batch is planned.
vi.mock('../../electron/core/catalog/import-rows', async (original) => {
  const actual = await original<typeof import('../../electron/core/catalog/import-rows')>();
  return {
    ...actual,
    parseValues: (...args: Parameters<typeof actual.parseValues>) => {
      probe.parsed++;
      if (probe.planning > 0) probe.parsedWhilePlanning++;
      return actual.parseValues(...args);
    },
  };
});

vi.mock('../../electron/core/catalog/import-plan', async (original) => {
  const actual = await original<typeof import('../../electron/core/catalog/import-plan')>();
  return {
    ...actual,
    planImport: async (...args: Parameters<typeof actual.planImport>) => {
      probe.planning++;
      probe.plans++;
      try {
        return await actual.planImport(...args);
      } finally {
        probe.planning--;
      }
    },
  };
});

vi.mock('../../electron/core/util/main-turns', async (original) => {
  const actual = await original<typeof import('../../electron/core/util/main-turns')>();
  const nextTurn = () => {
    if (probe.planning > 0) probe.turnsWhilePlanning++;
    return actual.nextTurn();
  };
  const turnDue = () => probe.alwaysDue || actual.turnDue();
  return {
    ...actual,
    nextTurn,
    turnDue,
    giveTurn: () => (turnDue() ? nextTurn() : undefined),
    mapInTurns: async <T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> => {
      const out: R[] = [];
      for (const item of items) {
        if (turnDue()) await nextTurn();
        out.push(fn(item));
      }
      return out;
    },
  };
});

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';
const ROWS = STREAM_FROM * 3 + 700;
const line = (i: number) => `TN-${String(i).padStart(6, '0')},Turn lamp ${i},,${(i % 30) + 1}.25,EUR,main,${i % 9}`;

/** The file in pieces of 40 rows (≈ 2 KB), as a file is read. */
function* source(): Generator<string> {
  const all = [HEADER, ...Array.from({ length: ROWS }, (_, k) => line(k + 1))];
  for (let at = 0; at < all.length; at += 40) yield `${all.slice(at, at + 40).join('\n')}\n`;
}

for (const engine of engines()) {
  describe(`a streamed import's main-thread turns (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
      Object.assign(probe, { planning: 0, parsed: 0, parsedWhilePlanning: 0, plans: 0, turnsWhilePlanning: 0, alwaysDue: false });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it('reads none of the file while a batch is planned', async () => {
      const report = await importCatalogCsv(core, Readable.from(source()), { name: 'turns.csv' });
      expect(report).toMatchObject({ ok: true, rows: ROWS, created: ROWS, issues: [] });
      // Every batch planned once; every row read once, none while a batch was planned.
      // (The first STREAM_FROM rows are cut into batches when the first is handed on.)
      expect(probe.plans).toBe(Math.ceil(STREAM_FROM / STREAM_ROWS) + Math.ceil((ROWS - STREAM_FROM) / STREAM_ROWS));
      expect(probe.parsed).toBe(ROWS);
      expect(probe.parsedWhilePlanning).toBe(0);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('gives the event loop a turn for every row of a batch it plans, when turns are due', async () => {
      probe.alwaysDue = true;
      const report = await importCatalogCsv(core, Readable.from(source()), { name: 'turns.csv' });
      expect(report).toMatchObject({ ok: true, rows: ROWS, created: ROWS, issues: [] });
      // The plan goes over each row several times (the rows, their products, the new rows, their
      // slugs, the counts), a turn before each when one is due.
      expect(probe.turnsWhilePlanning).toBeGreaterThanOrEqual(ROWS * 4);
      expect((await core.checkLedger()).ok).toBe(true);
    });
  });
}
