/**
 * Escaping for XML 1.0 documents built as strings (the JUnit report). Task names and messages
 * come from sites, hosts and command output, so anything may be in them; one unescaped `<` or
 * one control character would make a CI system reject the whole report.
 */

// Outside XML 1.0's Char production: C0 controls other than tab/newline/CR, U+FFFE/U+FFFF, and
// UTF-16 surrogates that are not part of a pair. Not even &#x1b; is allowed for these.
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces what XML cannot carry: a C0 control becomes `\xNN` (an ANSI colour code stays recognisable), the rest U+FFFD. */
export function xmlSafe(s: string): string {
  return s.replace(FORBIDDEN, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, "0")}` : "\uFFFD";
  });
}

/** Character data. `>` is escaped too so that `]]>` never appears; CR as a reference, else a parser turns it into LF. */
export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An attribute value in double quotes. Tab, LF and CR as references: a parser normalises literal ones to spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}
