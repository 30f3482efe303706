import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from './xml-check.js';

describe('parseXml (test support)', () => {
  it('reads elements, decoded attributes and text', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a k="x &amp; &#10;y"><b/><b>t &lt;</b></a>');
    expect(root.attrs.k).toBe('x & \ny');
    expect(findAll(root, 'b').map((b) => b.text)).toEqual(['', 't <']);
  });

  it.each([
    ['<a>&</a>', 'bad character data'],
    ['<a>&nbsp;</a>', 'bad character data'],
    ['<a>]]></a>', 'bad character data'],
    ['<a x="<"/>', 'bad attribute value'],
    ["<a x='1'/>", 'bad tag'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a><b></a>', 'closes'],
    ['<a>', 'not closed'],
    ['<a/><b/>', 'more than one root'],
    ['<a>\u0001</a>', 'illegal character'],
    ['<a>\uD800</a>', 'illegal character'],
  ])('rejects %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});
