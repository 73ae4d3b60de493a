import { describe, expect, it } from 'vitest';
import { addScans, lineRequest, linesDue, removeScan, restoredLines, scannedTotal, type ScanPlace, type TallyLine } from '../../renderer/src/scan-tally';

const here: ScanPlace = { action: 'receive', location: 'main', toLocation: null };
const mug = { sku: 'MUG-1', title: 'Blue mug' };
const plate = { sku: 'PLATE-2', title: 'Plate' };

function keys() {
  let n = 0;
  return () => `key-${++n}`;
}

describe('continuous scanning lines', () => {
  it('adds each scan to its product’s line, in the order products were first scanned', () => {
    const key = keys();
    let lines: TallyLine[] = [];
    for (const p of [mug, plate, mug, mug]) lines = addScans(lines, p, here, key);
    expect(lines.map((l) => [l.sku, l.count, l.key])).toEqual([
      ['MUG-1', 3, 'key-1'],
      ['PLATE-2', 1, 'key-2'],
    ]);
    expect(scannedTotal(lines)).toBe(4);
  });

  it('keeps a line per action and place: the same mug received at two locations is two lines', () => {
    const key = keys();
    let lines = addScans([], mug, here, key);
    lines = addScans(lines, mug, { ...here, location: 'shop' }, key);
    lines = addScans(lines, mug, { action: 'transfer', location: 'main', toLocation: 'shop' }, key);
    lines = addScans(lines, mug, { action: 'transfer', location: 'main', toLocation: 'back' }, key);
    expect(lines.map((l) => [l.action, l.location, l.toLocation, l.count])).toEqual([
      ['receive', 'main', null, 1],
      ['receive', 'shop', null, 1],
      ['transfer', 'main', 'shop', 1],
      ['transfer', 'main', 'back', 1],
    ]);
  });

  it('never adds to a line once it is sent: its count and key are what a retry sends', () => {
    const key = keys();
    const sent = addScans([], mug, here, key, 3).map((l) => ({ ...l, state: 'recording' as const }));
    const after = addScans(sent, mug, here, key);
    expect(after.map((l) => [l.count, l.state, l.key])).toEqual([
      [3, 'recording', 'key-1'],
      [1, 'counting', 'key-2'],
    ]);
    const failed = after.map((l, i) => (i === 0 ? { ...l, state: 'failed' as const, error: 'no answer' } : l));
    expect(addScans(failed, mug, here, key).map((l) => l.count)).toEqual([3, 2]);
  });

  it('takes one scan off a line still counting, and the line away at 0; a line on its way is left alone', () => {
    const key = keys();
    let lines = addScans([], mug, here, key, 2);
    lines = addScans(lines, plate, here, key);
    lines = removeScan(lines, 'key-1');
    expect(lines.map((l) => [l.sku, l.count])).toEqual([
      ['MUG-1', 1],
      ['PLATE-2', 1],
    ]);
    expect(removeScan(lines, 'key-1').map((l) => l.sku)).toEqual(['PLATE-2']);
    const sent = lines.map((l) => ({ ...l, state: 'recording' as const }));
    expect(removeScan(sent, 'key-2')).toEqual(sent);
  });

  it('records after a pause all but counts, and on Finish everything not on its way (failed lines again)', () => {
    const key = keys();
    let lines = addScans([], mug, here, key);
    lines = addScans(lines, plate, { ...here, action: 'count' }, key);
    lines = addScans(lines, mug, { ...here, action: 'return' }, key);
    lines = lines.map((l, i) => (i === 2 ? { ...l, state: 'failed' as const, error: 'refused' } : l));
    lines = addScans(lines, plate, here, key);
    lines = lines.map((l) => (l.sku === 'PLATE-2' && l.action === 'receive' ? { ...l, state: 'recording' as const } : l));
    expect(linesDue(lines, 'pause').map((l) => `${l.action} ${l.sku}`)).toEqual(['receive MUG-1']);
    expect(linesDue(lines, 'finish').map((l) => `${l.action} ${l.sku}`)).toEqual(['receive MUG-1', 'count PLATE-2', 'return MUG-1']);
  });

  it('sends a line as one stock action of its count', () => {
    const [receive] = addScans([], mug, here, keys(), 4);
    const [transfer] = addScans([], mug, { action: 'transfer', location: 'main', toLocation: 'shop' }, keys(), 2);
    expect(lineRequest(receive as TallyLine)).toEqual({ action: 'receive', sku: 'MUG-1', quantity: 4, location: 'main' });
    expect(lineRequest(transfer as TallyLine)).toEqual({ action: 'transfer', sku: 'MUG-1', quantity: 2, location: 'main', toLocation: 'shop' });
  });

  it('brings a line that was on its way back after a reload as failed, to be retried with its key', () => {
    const [line] = addScans([], mug, here, keys(), 2);
    const [restored] = restoredLines([{ ...(line as TallyLine), state: 'recording' }]);
    expect(restored).toMatchObject({ key: 'key-1', count: 2, state: 'failed' });
    expect(restored?.error).toMatch(/never twice/);
  });
});
