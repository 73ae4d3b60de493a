import { dotSegmentProblem, isDotSegment } from './dot-segment';

export const SLUG_MAX_LENGTH = 200;
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Latin letters that Unicode does not decompose into a base letter plus accents. */
const TRANSLITERATE: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o',
  ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i',
};

// eslint-disable-next-line no-control-regex -- every ASCII character, control characters included
const ASCII = /^[\u0000-\u007f]*$/;

/** Letters without an ASCII form made ASCII where they have one: transliterated, decomposed, accents dropped. */
function latin(text: string): string {
  return text
    .replace(/[ßẞæÆœŒøØłŁđĐðÐþÞı]/g, (c) => TRANSLITERATE[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * A URL-safe slug from a title: "Café Crème 250 g" → "cafe-creme-250-g", "Straße" → "strasse".
 * An ASCII title skips `latin`, which leaves ASCII as it is (an import slugs every new title: three
 * passes over it for nothing).
 */
export function slugify(text: string): string {
  const slug = (ASCII.test(text) ? text : latin(text))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
  return slug;
}

/** Why a slug is not URL-safe, or null when it is. */
export function slugProblem(slug: string): string | null {
  if (slug.length === 0) return 'slug is required';
  if (slug.length > SLUG_MAX_LENGTH) return `slug is ${slug.length} characters; the limit is ${SLUG_MAX_LENGTH}`;
  if (isDotSegment(slug)) return dotSegmentProblem('slug', slug);
  if (!SLUG_PATTERN.test(slug)) return 'slug may contain only lower-case letters, digits and single hyphens between them';
  return null;
}
