/**
 * A draft's unsaved lines merged with a version changed elsewhere (base: what editing started
 * from; mine: the form; theirs: the new server version): the other side's untouched changes follow
 * the server, every edit made here stays, and the notice says which is which.
 */
import { describe, expect, it } from 'vitest';
import { changedBy, changedThereText, closedNotice, draftRowsOf, mergeDraftLines, mergeNotice, type DraftLineRow } from '../../renderer/src/purchase-order-merge';

const row = (id: string | undefined, sku: string, quantity: string, unitCost = '4.00', expectedDate = ''): DraftLineRow => ({
  ...(id === undefined ? {} : { id }),
  sku,
  title: `${sku} title`,
  quantity,
  unitCost,
  expectedDate,
});

const base = [row('a', 'MUG', '12'), row('b', 'CUP', '5', '2.00'), row('c', 'BOWL', '3', '6.00')];

describe('mergeDraftLines', () => {
  it('takes the server version as is when nothing was edited here', () => {
    const theirs = [row('a', 'MUG', '24'), row('c', 'BOWL', '3', '6.00'), row('d', 'JUG', '1', '9.00')];
    const { rows, summary } = mergeDraftLines(base, base, theirs);
    expect(rows).toEqual(theirs);
    expect(summary).toEqual({ fromServer: 3, keptMine: 0, conflicts: 0, removedElsewhere: 0 });
  });

  it('keeps an edited field and takes the other fields and lines from the server', () => {
    // Here: MUG's quantity 12 → 20. There: MUG's cost 4.00 → 4.50, CUP removed, JUG added.
    const mine = [row('a', 'MUG', '20'), base[1] as DraftLineRow, base[2] as DraftLineRow];
    const theirs = [row('a', 'MUG', '12', '4.50'), row('c', 'BOWL', '3', '6.00'), row('d', 'JUG', '1', '9.00')];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    expect(rows).toEqual([row('a', 'MUG', '20', '4.50'), row('c', 'BOWL', '3', '6.00'), row('d', 'JUG', '1', '9.00')]);
    expect(summary).toEqual({ fromServer: 3, keptMine: 1, conflicts: 0, removedElsewhere: 0 });
  });

  it('keeps my value where both changed the same field, and counts it as a conflict', () => {
    const mine = [row('a', 'MUG', '20'), base[1] as DraftLineRow, base[2] as DraftLineRow];
    const theirs = [row('a', 'MUG', '30'), base[1] as DraftLineRow, base[2] as DraftLineRow];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    expect(rows[0]).toEqual({ ...row('a', 'MUG', '20'), changedThere: { quantity: '30' } });
    expect(summary).toEqual({ fromServer: 0, keptMine: 1, conflicts: 1, removedElsewhere: 0 });
    expect(changedThereText({ quantity: '30', expectedDate: '' })).toBe('Changed elsewhere too: quantity 30, expected date (empty); yours is kept');
  });

  it('is no conflict when both made the same change', () => {
    const same = [row('a', 'MUG', '20'), base[1] as DraftLineRow, base[2] as DraftLineRow];
    const { rows, summary } = mergeDraftLines(base, same, same);
    expect(rows).toEqual(same);
    expect(summary.conflicts).toBe(0);
  });

  it('keeps a line edited here that the other side removed, marked and without its id', () => {
    const mine = [base[0] as DraftLineRow, row('b', 'CUP', '8', '2.00'), base[2] as DraftLineRow];
    const theirs = [base[0] as DraftLineRow, base[2] as DraftLineRow];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    expect(rows).toEqual([base[0], { ...row(undefined, 'CUP', '8', '2.00'), removedElsewhere: true }, base[2]]);
    expect(summary).toEqual({ fromServer: 0, keptMine: 1, conflicts: 1, removedElsewhere: 1 });
  });

  it('keeps lines added and removed here, after the lines the other side added', () => {
    // Here: BOWL removed, TRAY added. There: JUG added.
    const mine = [base[0] as DraftLineRow, base[1] as DraftLineRow, row(undefined, 'TRAY', '2', '')];
    const theirs = [...base, row('d', 'JUG', '1', '9.00')];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    expect(rows.map((r) => r.sku)).toEqual(['MUG', 'CUP', 'JUG', 'TRAY']);
    expect(summary).toEqual({ fromServer: 1, keptMine: 2, conflicts: 0, removedElsewhere: 0 });
  });

  it('keeps my removal of a line the other side changed, as a conflict', () => {
    const mine = [base[0] as DraftLineRow, base[2] as DraftLineRow];
    const theirs = [base[0] as DraftLineRow, row('b', 'CUP', '9', '2.00'), base[2] as DraftLineRow];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    expect(rows.map((r) => r.sku)).toEqual(['MUG', 'BOWL']);
    expect(summary).toEqual({ fromServer: 0, keptMine: 1, conflicts: 1, removedElsewhere: 0 });
  });

  it('follows lines by SKU when the other side saved them without their ids (new ids)', () => {
    const mine = [row('a', 'MUG', '20'), base[1] as DraftLineRow, base[2] as DraftLineRow];
    const theirs = [row('x', 'MUG', '12', '5.00'), row('y', 'CUP', '5', '2.00'), row('z', 'BOWL', '3', '6.00')];
    const { rows, summary } = mergeDraftLines(base, mine, theirs);
    // The server's ids, so a save keeps those lines rather than naming ones it no longer has.
    expect(rows).toEqual([row('x', 'MUG', '20', '5.00'), row('y', 'CUP', '5', '2.00'), row('z', 'BOWL', '3', '6.00')]);
    expect(summary).toEqual({ fromServer: 1, keptMine: 1, conflicts: 0, removedElsewhere: 0 });
  });

  it('keeps the title typed with a changed SKU, and the server title otherwise', () => {
    const mine = [{ ...row('a', 'MUGX', '12'), title: '' }, base[1] as DraftLineRow, base[2] as DraftLineRow];
    const theirs = [{ ...row('a', 'MUG', '12'), title: 'Mug, renamed' }, base[1] as DraftLineRow, { ...(base[2] as DraftLineRow), title: 'Bowl, renamed' }];
    const { rows } = mergeDraftLines(base, mine, theirs);
    expect(rows.map((r) => [r.sku, r.title])).toEqual([
      ['MUGX', ''],
      ['CUP', 'CUP title'],
      ['BOWL', 'Bowl, renamed'],
    ]);
  });
});

describe('draftRowsOf', () => {
  it('shows quantities and costs in the shop’s number format', () => {
    const rows = draftRowsOf(
      { currency: 'EUR', lines: [{ id: 'a', sku: 'MUG', supplierSku: null, title: 'Mug', quantity: 1000, unitCost: '4.50', expectedDate: null, received: 0 }] },
      'de-DE',
    );
    expect(rows).toEqual([{ id: 'a', sku: 'MUG', title: 'Mug', quantity: '1000', unitCost: '4,50', expectedDate: '' }]);
  });
});

describe('the notices', () => {
  it('names who changed the order, and says what was taken and what was kept', () => {
    expect(mergeNotice('anna', { fromServer: 2, keptMine: 1, conflicts: 0, removedElsewhere: 0 })).toBe(
      'anna changed this order while you were editing: 2 lines updated from the server, your changes to 1 line kept.',
    );
    expect(mergeNotice(null, { fromServer: 1, keptMine: 2, conflicts: 2, removedElsewhere: 1 })).toBe(
      'This order was changed elsewhere while you were editing: 1 line updated from the server, your changes to 2 lines kept. 1 line you edited was removed there; marked below, saving adds it back. Where you both changed the same field, your value is kept and theirs is named on the line.',
    );
  });

  it('names the person from the change, themself in another window, or nobody', () => {
    expect(changedBy({ kind: 'user', id: 'u1', name: 'anna' }, 'u2')).toBe('anna');
    expect(changedBy({ kind: 'user', id: 'u1', name: 'anna' }, 'u1')).toBe('You (in another window)');
    expect(changedBy({ kind: 'token', name: 'API token' }, 'u1')).toBe('Someone using the API token');
    expect(changedBy(null, 'u1')).toBeNull();
  });

  it('says editing stopped when the draft was placed or cancelled elsewhere', () => {
    expect(closedNotice('ben', 'ordered')).toMatch(/^ben placed this order while you were editing, so its lines can no longer be changed/);
    expect(closedNotice(null, 'cancelled')).toMatch(/^This order was cancelled elsewhere while you were editing/);
  });
});
