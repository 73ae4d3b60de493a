import { describe, expect, it } from 'vitest';
import { SLUG_MAX_LENGTH, slugProblem, slugify } from '../../shared/domain/slug';

describe('slugify', () => {
  it('lower-cases and joins words with single hyphens', () => {
    expect(slugify('Blue Mug 250 ml')).toBe('blue-mug-250-ml');
  });

  it('removes accents from decomposable letters', () => {
    expect(slugify('Café Crème 250 g')).toBe('cafe-creme-250-g');
    expect(slugify('Äpfel Öl Übergröße')).toBe('apfel-ol-ubergrosse');
    expect(slugify('Piñata Señor')).toBe('pinata-senor');
  });

  it('transliterates letters that have no accent to strip (ß, æ, ø, œ, ł, þ)', () => {
    expect(slugify('Straße')).toBe('strasse');
    expect(slugify('Ærø Œuvre Łódź')).toBe('aero-oeuvre-lodz');
    expect(slugify('Þór Smørrebrød')).toBe('thor-smorrebrod');
  });

  it('folds compatibility characters (ligatures, full-width digits)', () => {
    expect(slugify('ﬁsh ２０２６')).toBe('fish-2026');
  });

  it('turns runs of symbols and spaces into one hyphen and trims them at the ends', () => {
    expect(slugify('  --Hello,   World!!--  ')).toBe('hello-world');
    expect(slugify('Salt & Pepper / 2 × 100 g')).toBe('salt-pepper-2-100-g');
    expect(slugify('50% off: "best" <deal>')).toBe('50-off-best-deal');
  });

  it('returns an empty string when nothing URL-safe is left (the caller falls back to the SKU)', () => {
    expect(slugify('日本語')).toBe('');
    expect(slugify('!!!')).toBe('');
    expect(slugify('')).toBe('');
  });

  it(`cuts at ${SLUG_MAX_LENGTH} characters without leaving a trailing hyphen`, () => {
    expect(slugify('x'.repeat(250))).toBe('x'.repeat(SLUG_MAX_LENGTH));
    const cutAtHyphen = slugify(`${'a'.repeat(SLUG_MAX_LENGTH - 1)} b`);
    expect(cutAtHyphen).toBe('a'.repeat(SLUG_MAX_LENGTH - 1));
    expect(slugProblem(cutAtHyphen)).toBeNull();
  });

  it('always produces a slug that slugProblem accepts, or nothing', () => {
    for (const title of ['Café', '— Ø —', 'A  B', 'x-', '-x', '12.50 €', 'ﬀ', 'İstanbul']) {
      const slug = slugify(title);
      if (slug !== '') expect(slugProblem(slug), `${title} → ${slug}`).toBeNull();
    }
  });
});

describe('slugProblem', () => {
  it('accepts lower-case words joined by single hyphens', () => {
    expect(slugProblem('blue-mug-250')).toBeNull();
    expect(slugProblem('a')).toBeNull();
  });

  it('requires a slug', () => {
    expect(slugProblem('')).toBe('slug is required');
  });

  it('limits the length', () => {
    expect(slugProblem('a'.repeat(SLUG_MAX_LENGTH + 1))).toBe(`slug is ${SLUG_MAX_LENGTH + 1} characters; the limit is ${SLUG_MAX_LENGTH}`);
  });

  it.each(['Blue-Mug', 'blue--mug', '-blue', 'blue-', 'blue mug', 'blue_mug', 'café', 'a/b'])('refuses %j', (slug) => {
    expect(slugProblem(slug)).toBe('slug may contain only lower-case letters, digits and single hyphens between them');
  });
});

describe('slugify, ASCII titles', () => {
  /** slugify as it was before ASCII titles skipped transliteration and decomposition. */
  const TRANSLITERATE: Record<string, string> = { ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i' };
  const reference = (text: string) =>
    text
      .replace(/[ßẞæÆœŒøØłŁđĐðÐþÞı]/g, (c) => TRANSLITERATE[c] ?? c)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, SLUG_MAX_LENGTH)
      .replace(/-+$/g, '');

  it('gives what the full path gives, for every character near ASCII and for mixed titles', () => {
    for (let code = 0; code < 0x400; code++) {
      const c = String.fromCharCode(code);
      expect(slugify(`a${c}b`), `U+${code.toString(16)}`).toBe(reference(`a${c}b`));
    }
    const alphabet = ['a', 'Z', '9', ' ', '-', '_', '.', '\u0000', '\u007f', '\u0080', 'é', 'ß', 'ﬁ', '２', 'İ', 'K', '\u0301', '😀', 'x'.repeat(60)];
    let seed = 3;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 5_000; n++) {
      const text = Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(slugify(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
