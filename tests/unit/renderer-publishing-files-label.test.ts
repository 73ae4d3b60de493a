/**
 * The Publishing screen's file column: the name of an artifact's one file, else how many files it
 * has. The collections' row lists their folder and their sitemap, yet holds a file per collection:
 * it says so (it said "2 files" for 1,112 collections and their sitemap).
 */
import { describe, expect, it } from 'vitest';
import { artifactFilesLabel } from '../../renderer/src/publishing-labels';

const counts = (files: number) => ({ items: 0, excluded: 0, files, bytes: 0 });

describe('the files of an artifact on the Publishing screen', () => {
  it('counts the collection files, not the folder and the sitemap', () => {
    expect(artifactFilesLabel({ files: ['collections/', 'sitemap-collections.xml'], counts: counts(1113) }, 'en-GB')).toBe('1,113 files');
  });

  it('names a single file, and counts the files of a list without a folder', () => {
    expect(artifactFilesLabel({ files: ['google-merchant.xml'], counts: counts(1) }, 'en-GB')).toBe('google-merchant.xml');
    expect(artifactFilesLabel({ files: ['jsonld/'], counts: counts(100_000) }, 'en-GB')).toBe('jsonld/');
    expect(artifactFilesLabel({ files: ['sitemap-1.xml', 'sitemap-2.xml', 'sitemap.xml'], counts: counts(3) }, 'en-GB')).toBe('3 files');
    expect(artifactFilesLabel({ files: [], counts: counts(0) }, 'en-GB')).toBeNull();
  });
});
