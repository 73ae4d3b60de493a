/**
 * The escapers of the three output formats, on text a product could hold. (The publish tests check
 * the same through whole files; these pin each rule down on its own.)
 */
import { describe, expect, it } from 'vitest';
import { jsonLdStringify, tsvCell, xmlText } from '../../electron/core/publish/escape';

const HOSTILE = `Tom & Jerry's "<b>mug</b>" </script><!-- x --> \u2028line\u2029para 🙂 مرحبا \u202Eevil \u0001\u007f\ttab\r\nend`;

describe('jsonLdStringify', () => {
  it('leaves nothing that could end a script element or a JavaScript line, and parses back to the same value', () => {
    const value = { name: HOSTILE, nested: { list: [HOSTILE, '<&>'] } };
    const json = jsonLdStringify(value);
    for (const c of ['<', '>', '&', '\u2028', '\u2029']) expect(json.includes(c), `raw ${JSON.stringify(c)}`).toBe(false);
    expect(json).toContain('\\u003c/script\\u003e');
    expect(json).toContain('Tom \\u0026 Jerry');
    expect(json).toContain('\\u2028line\\u2029para');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('returns plain JSON unchanged when there is nothing to escape, indented when asked', () => {
    const value = { '@type': 'Product', name: 'Mug', price: '9.50' };
    expect(jsonLdStringify(value)).toBe(JSON.stringify(value));
    expect(jsonLdStringify(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});

describe('xmlText and tsvCell', () => {
  it('escape the XML specials and drop the characters XML forbids', () => {
    expect(xmlText(`a & b < c > d " e ' f \r g \u0001h\u007fi`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f &#13; g hi');
    expect(xmlText('plain text, 12.50 EUR')).toBe('plain text, 12.50 EUR');
  });

  it('keep a TSV cell on one line and in one cell', () => {
    expect(tsvCell(`one\ttwo\nthree\r\u2028four\u0001`)).toBe('one two three  four');
    expect(tsvCell('plain')).toBe('plain');
  });
});
