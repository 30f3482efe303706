import { decodeXML } from 'entities';

/** An element of a parsed XML document: attribute values and text decoded. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.:-]*';
const REFERENCE = '&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);';
const CHAR_DATA = new RegExp(`^(?:[^<&]|${REFERENCE})*$`, 'u');
const ATTR_VALUE = new RegExp(`^(?:[^<&"]|${REFERENCE})*$`, 'u');
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g');

/**
 * A small well-formedness check for the XML the reports write (no DTD, CDATA,
 * comments or processing instructions beyond the declaration): throws on
 * illegal characters, bad references, duplicate attributes or mismatched tags.
 */
export function parseXml(text: string): XmlElement {
  if (ILLEGAL.test(text)) throw new Error('illegal character in document');
  const rest = text.replace(/^<\?xml [^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pos = 0;
  while (pos < rest.length) {
    const lt = rest.indexOf('<', pos);
    const chunk = rest.slice(pos, lt === -1 ? rest.length : lt);
    if (!CHAR_DATA.test(chunk) || chunk.includes(']]>'))
      throw new Error(`bad character data at ${pos}: ${JSON.stringify(chunk.slice(0, 40))}`);
    const top = stack[stack.length - 1];
    if (top) top.text += decodeXML(chunk);
    else if (chunk.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(rest);
    if (!m) throw new Error(`bad tag at ${lt}: ${JSON.stringify(rest.slice(lt, lt + 40))}`);
    const [whole, close, name = '', attrText = '', selfClose] = m;
    pos = lt + whole.length;
    if (close) {
      if (attrText || selfClose) throw new Error(`bad end tag </${name}>`);
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, key = '', value = ''] of attrText.matchAll(ATTR)) {
      if (key in attrs) throw new Error(`duplicate attribute ${key} on <${name}>`);
      if (!ATTR_VALUE.test(value)) throw new Error(`bad attribute value ${key}="${value}"`);
      attrs[key] = decodeXML(value);
    }
    const el: XmlElement = { name, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error('more than one root element');
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` at or below `el`, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => findAll(c, name))];
}
