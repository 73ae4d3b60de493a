export const SLUG_MAX_LENGTH = 200;
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A URL-safe slug from a title: "Café Crème 250 g" → "cafe-creme-250-g". */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
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
  if (!SLUG_PATTERN.test(slug)) return 'slug may contain only lower-case letters, digits and single hyphens between them';
  return null;
}
