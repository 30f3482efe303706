import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeMarkup, escapeXmlAttribute, stripControl } from './escape.js';

describe('escaping', () => {
  it('strips control characters, lone surrogates and noncharacters', () => {
    expect(stripControl('a\u0000b\u0008c\u000bd\u001be\u007ff\u0085g\u009bh\uFFFEi\uFFFFj\uD800k\uDC00l')).toBe(
      'abcdefghijkl',
    );
    expect(stripControl('tab\tnl\ncr\r 🚦 ü')).toBe('tab\tnl\ncr\r 🚦 ü');
    expect(stripControl('tab\tnl\ncr\r', true)).toBe('tab nl cr ');
  });

  it('escapes markup and attribute values', () => {
    expect(escapeMarkup(`<a href="x">&'\u0001</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeMarkup('keeps\nlines')).toBe('keeps\nlines');
    expect(escapeXmlAttribute('a\tb\nc\rd<')).toBe('a&#9;b&#10;c&#13;d&lt;');
  });

  it('escapes inline Markdown on one line', () => {
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(escapeMarkdown('\\|')).toBe('\\\\\\|');
    expect(escapeMarkdown('*x* _y_ `z` [l](u) ~~s~~')).toBe('\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~\\~s\\~\\~');
    expect(escapeMarkdown('<b>&amp;</b>\nnext')).toBe('&lt;b&gt;&amp;amp;&lt;/b&gt; next');
  });
});
