/**
 * A form's unsaved values merged with a version saved elsewhere (base: what editing started from;
 * mine: the form; theirs: the new version): untouched fields follow the server, edited ones stay,
 * fields both changed keep ours and are named in the notice.
 */
import { describe, expect, it } from 'vitest';
import { changedElsewhereNotice, mergeFields, worthNotice } from '../../renderer/src/live-edit';

const base = { shopName: 'Harbour', currency: 'EUR', sftp: { host: 'a.example', port: 22 }, targets: ['DE'] };

describe('mergeFields', () => {
  it('takes the new version as is when nothing was edited here', () => {
    const theirs = { ...base, currency: 'GBP', sftp: { host: 'b.example', port: 22 } };
    const merge = mergeFields(base, structuredClone(base), theirs);
    expect(merge.merged).toEqual(theirs);
    expect(merge).toMatchObject({ fromServer: ['currency', 'sftp.host'], kept: [], conflicts: [] });
  });

  it('keeps edited fields (nested ones too) and takes the others from the server', () => {
    const mine = { ...base, shopName: 'Harbour Goods', sftp: { host: 'a.example', port: 2222 } };
    const theirs = { ...base, currency: 'GBP', sftp: { host: 'b.example', port: 22 }, targets: ['DE', 'AT'] };
    const merge = mergeFields(base, mine, theirs);
    expect(merge.merged).toEqual({ shopName: 'Harbour Goods', currency: 'GBP', sftp: { host: 'b.example', port: 2222 }, targets: ['DE', 'AT'] });
    expect(merge).toMatchObject({ fromServer: ['currency', 'sftp.host', 'targets'], kept: ['shopName', 'sftp.port'], conflicts: [] });
  });

  it('keeps ours where both changed a field, and names it a conflict only when the values differ', () => {
    const mine = { ...base, shopName: 'Harbour Goods', currency: 'GBP' };
    const theirs = { ...base, shopName: 'Harbour & Co', currency: 'GBP' };
    const merge = mergeFields(base, mine, theirs);
    expect(merge.merged).toEqual(mine);
    expect(merge).toMatchObject({ fromServer: [], kept: ['shopName', 'currency'], conflicts: ['shopName'] });
    expect(worthNotice(merge)).toBe(true);
    // A version that only repeats our own save needs no notice.
    expect(worthNotice(mergeFields(base, mine, mine))).toBe(false);
  });

  it('lets fields the form does not hold, and fields new on the server, follow the server', () => {
    const merge = mergeFields<Record<string, unknown>>({ a: 1 }, { a: 2 }, { a: 1, added: true });
    expect(merge.merged).toEqual({ a: 2, added: true });
  });
});

describe('changedElsewhereNotice', () => {
  it('says who changed what, what came from the server, what was kept, and where theirs was set aside', () => {
    expect(changedElsewhereNotice('anna', 'this product', { fromServer: ['brand', 'price'], kept: ['title'], conflicts: [] })).toBe(
      'anna changed this product while you were editing: 2 fields updated from the server, your changes to 1 field kept.',
    );
    expect(changedElsewhereNotice(null, 'the settings', { fromServer: [], kept: ['shopName'], conflicts: ['shopName'] }, () => 'Shop name')).toBe(
      'The settings changed elsewhere while you were editing: your changes to 1 field kept. Changed there too, yours kept: Shop name.',
    );
  });
});
