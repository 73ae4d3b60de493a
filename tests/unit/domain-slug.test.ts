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
