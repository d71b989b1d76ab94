/**
 * A small, strict XML 1.0 reader for the report tests (the project has no XML dependency, and a
 * test should not trust the writer's own escaping to check it): rejects what a conforming parser
 * rejects in the subset the JUnit writer produces (declaration, elements, attributes, text,
 * character and the five predefined entity references), and returns the tree with values decoded.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
// Outside XML 1.0's Char production; checked on the raw document, where references cannot hide them.
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & in ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const num = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (num === undefined) throw new Error(`unknown entity ${m} in ${where}`);
    const code = Number.parseInt(num, ref.startsWith("#x") ? 16 : 10);
    const c = String.fromCodePoint(code);
    if (FORBIDDEN.test(c)) throw new Error(`reference to a forbidden character ${m} in ${where}`);
    return c;
  });
}

export function parseXml(doc: string): XmlElement {
  const bad = FORBIDDEN.exec(doc);
  if (bad) throw new Error(`forbidden character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(doc);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipSpace = () => {
    while (i < doc.length && /\s/.test(doc[i] as string)) i++;
  };
  while (i < doc.length) {
    if (doc[i] !== "<") {
      const end = doc.indexOf("<", i);
      const text = doc.slice(i, end === -1 ? doc.length : end);
      if (text.includes("]]>")) throw new Error("]]> in text");
      const top = stack.at(-1);
      if (top) top.children.push(decode(text, "text"));
      else if (text.trim()) throw new Error(`text outside the root: ${JSON.stringify(text)}`);
      i += text.length;
      continue;
    }
    if (doc.startsWith("</", i)) {
      const name = NAME.exec(doc.slice(i + 2))?.[0];
      const open = stack.pop();
      if (!name || !open || open.name !== name) throw new Error(`mismatched </${name}> at ${i}`);
      i += 2 + name.length;
      skipSpace();
      if (doc[i] !== ">") throw new Error(`bad end tag at ${i}`);
      i++;
      continue;
    }
    const name = NAME.exec(doc.slice(i + 1))?.[0];
    if (!name) throw new Error(`bad tag at ${i}`);
    if (root && stack.length === 0) throw new Error("a second root element");
    i += 1 + name.length;
    const el: XmlElement = { name, attrs: {}, children: [] };
    for (;;) {
      const before = i;
      skipSpace();
      if (doc.startsWith("/>", i) || doc[i] === ">") break;
      if (i === before) throw new Error(`no space before an attribute at ${i}`);
      const attr = NAME.exec(doc.slice(i))?.[0];
      if (!attr) throw new Error(`bad attribute at ${i}`);
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr}`);
      i += attr.length;
      if (doc[i] !== "=") throw new Error(`no = after ${attr}`);
      const q = doc[i + 1];
      if (q !== '"' && q !== "'") throw new Error(`unquoted ${attr}`);
      const end = doc.indexOf(q, i + 2);
      if (end === -1) throw new Error(`unterminated ${attr}`);
      const raw = doc.slice(i + 2, end);
      if (raw.includes("<")) throw new Error(`< in attribute ${attr}`);
      // Attribute-value normalisation: literal whitespace characters become spaces.
      el.attrs[attr] = decode(raw.replace(/[\t\n\r]/g, " "), `attribute ${attr}`);
      i = end + 1;
    }
    (stack.at(-1)?.children ?? []).push(el);
    root ??= el;
    if (doc.startsWith("/>", i)) {
      i += 2;
    } else {
      i++;
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  if (!root) throw new Error("no root element");
  return root;
}

/** Direct child elements named `name`. */
export const childrenNamed = (el: XmlElement, name: string): XmlElement[] =>
  el.children.filter((c): c is XmlElement => typeof c !== "string" && c.name === name);

/** Concatenated text content. */
export const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
