import { xmlSafe } from "./xml.js";

/** Markup made by the report itself: the one kind of value an `html` template inserts as it is. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value an `html` template inserts: text (escaped, masked), markup, or a list of markup. */
export type Inserted = string | number | Markup | readonly Markup[] | undefined;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/**
 * Text for an HTML page, in an element or a quoted attribute alike. Task names, messages and
 * diffs come from sites, hosts and command output: a `<script>` in them must stay text. Control
 * characters become `\xNN` as in the JUnit report (an ANSI colour code stays recognisable).
 */
export function escapeHtml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * A tagged template for the page whose every inserted text is masked then escaped; only Markup
 * (what another `html` template made) goes in as it is. Masked text by text rather than the page
 * at the end (as the JSON report is): a short secret equal to a tag or a class name would
 * otherwise break the markup, and text masked on its own is masked exactly as maskEvent masks
 * an event's strings.
 */
export function htmlTemplate(mask: (text: string) => string) {
  const insert = (v: Inserted): string => {
    if (v === undefined) return "";
    if (v instanceof Markup) return v.value;
    if (Array.isArray(v)) return v.map((m: Markup) => m.value).join("");
    return escapeHtml(mask(String(v)));
  };
  return (strings: TemplateStringsArray, ...values: Inserted[]): Markup => {
    let out = strings[0] ?? "";
    values.forEach((v, i) => {
      out += insert(v) + (strings[i + 1] ?? "");
    });
    return new Markup(out);
  };
}

export type Html = ReturnType<typeof htmlTemplate>;
