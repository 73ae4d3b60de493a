/**
 * Escaping for the three output formats, each a single pass over the text with a fast path for
 * the common case (nothing to escape), because the feed escapes millions of strings per publish.
 */

/**
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/carriage return, lone surrogates,
 * U+FFFE/U+FFFF) plus C1 controls and DEL, which are legal but make Merchant Center reject a line.
 */
const XML_SPECIAL = /[&<>"'\r]|[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const XML_SPECIAL_TEST = /[&<>"'\r]|[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

// A literal carriage return would come back from any conforming parser as a line feed.
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Text for an XML element or attribute: entities escaped, forbidden characters dropped. */
export function xmlText(text: string): string {
  if (!XML_SPECIAL_TEST.test(text)) return text;
  return text.replace(XML_SPECIAL, (c) => XML_ENTITIES[c] ?? '');
}

/** Tabs and line breaks would split a TSV row or cell; control characters confuse uploaders. */
const TSV_SPECIAL = /[\t\n\r\u2028\u2029]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const TSV_SPECIAL_TEST = /[\t\n\r\u2028\u2029]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * One TSV cell. Merchant Center's tab-separated format has no quoting, so whitespace that would
 * break the row becomes a space and other control characters are dropped.
 */
export function tsvCell(text: string): string {
  if (!TSV_SPECIAL_TEST.test(text)) return text;
  return text.replace(TSV_SPECIAL, (c) => (c === '\t' || c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029' ? ' ' : ''));
}

/** Each character a JSON-LD script must not contain as is, and its \u escape (which contains none of them). */
const JSON_ESCAPES: Array<[string, string]> = [
  ['&', '\\u0026'],
  ['<', '\\u003c'],
  ['>', '\\u003e'],
  ['\u2028', '\\u2028'],
  ['\u2029', '\\u2029'],
];

/**
 * JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` as \u escapes so
 * `</script>` or `<!--` in a product's text cannot end the element. JSON.stringify already escapes
 * control characters and lone surrogates.
 */
export function jsonLdStringify(value: unknown, indent?: number): string {
  // A scan and replaceAll per character present: a regular expression with a replacer function
  // took ~50 ms more per 100,000 documents (measured), and nearly every document has an `&`.
  let json = JSON.stringify(value, null, indent);
  for (const [c, escaped] of JSON_ESCAPES) if (json.includes(c)) json = json.replaceAll(c, escaped);
  return json;
}
