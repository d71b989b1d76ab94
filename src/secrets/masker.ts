import { singleQuotedBody } from "../remote/quote.js";
import { REDACTED } from "./redact.js";

/**
 * Shorter values are not masked: a 1–3 character "secret" would blank out ordinary words, digits
 * and punctuation all over the output while protecting nothing a guess would not find. secret()
 * itself demands 8 characters.
 */
export const MIN_MASKED_LENGTH = 4;

/** Each line of a multi-line secret is masked on its own from this length on (see variants). */
const MIN_LINE_LENGTH = 8;

/** A base64 fragment shorter than this could occur in unrelated base64 by chance. */
const MIN_BASE64_LENGTH = 8;

/**
 * The base64 text a value's bytes give wherever they sit in a longer stream: for each of the three
 * alignments, only the 4-character groups made of the value's bytes alone (the groups it shares
 * with its neighbours depend on them, and are left out). A partial defence: -vvv never shows
 * payloads (the remote shell traces commands, not their stdin), but a module result or a command
 * may still carry base64 (`b64encode`, a probed file's content).
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  // The whole value's own base64, padding included: what `b64encode` of it alone gives.
  const out: string[] = [bytes.toString("base64")];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    const groups = Math.floor((shift + bytes.length) / 3);
    const core = b64.slice(shift === 0 ? 0 : 4, groups * 4);
    if (core.length >= MIN_BASE64_LENGTH) out.push(core);
  }
  return out;
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/**
 * Every form in which a value can reach a sink: as is; JSON-escaped (the JSON report, -v results,
 * and JSON inside JSON: a command's JSON output inside a result); shell single-quoted as
 * shellQuote writes it (-vvv commands), once or twice (a quoted script quoted again, as `sh -c`
 * arguments are); XML-escaped (the JUnit report); percent-encoded (a password in
 * a URL); base64 (see base64Cores); and each long-enough line of a multi-line value on its own,
 * since a diff or an indented -vvv command puts a prefix before every line.
 */
function variants(value: string): string[] {
  const json1 = JSON.stringify(value).slice(1, -1);
  const json2 = JSON.stringify(json1).slice(1, -1);
  const forms = [
    value,
    json1,
    json2,
    singleQuotedBody(value),
    singleQuotedBody(singleQuotedBody(value)),
    value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c),
    encodeURIComponent(value),
    ...base64Cores(value),
  ];
  if (value.includes("\n")) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_LINE_LENGTH) forms.push(line);
  }
  return forms;
}

function isPlainRecord(v: object): v is Record<string, unknown> {
  return !(v instanceof Date) && !(v instanceof Uint8Array) && !Array.isArray(v);
}

/**
 * The secret values of a run and the one place they are masked: every sink (terminal, -vvv
 * command log, JSON and JUnit reports, progress line, error messages) passes its text through
 * mask(). A set of values rather than a typed Secret wrapper, because a value wrapped in a type
 * loses it the moment it is interpolated into a template, a command or an error message, while
 * its text is still there to be found.
 *
 * Every occurrence becomes REDACTED, whatever the value's length (the length is not told), and
 * occurrences that overlap or touch are merged into one REDACTED: two secrets side by side, one
 * secret inside another, or two that share a part never leave a piece of either visible.
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  private forms: string[] | undefined;

  /** Adds a value to mask (strings only; shorter than MIN_MASKED_LENGTH or all asterisks is ignored). */
  add(value: unknown): void {
    if (typeof value !== "string" || value.length < MIN_MASKED_LENGTH || /^\*+$/.test(value)) return;
    if (this.values.has(value)) return;
    this.values.add(value);
    this.forms = undefined;
  }

  /** Every string inside a value (a decrypted secrets file's mapping), keys excepted. */
  addStrings(value: unknown): void {
    if (typeof value === "string") this.add(value);
    else if (Array.isArray(value)) for (const v of value) this.addStrings(v);
    else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) this.addStrings(v);
  }

  /** How many distinct values are masked. */
  get size(): number {
    return this.values.size;
  }

  private allForms(): string[] {
    if (this.forms === undefined) {
      const set = new Set<string>();
      for (const v of this.values) for (const f of variants(v)) if (f.length >= MIN_MASKED_LENGTH) set.add(f);
      // Longest first: the order does not change the result (ranges are merged), but a long
      // form found first usually covers the shorter ones inside it.
      this.forms = [...set].sort((a, b) => b.length - a.length);
    }
    return this.forms;
  }

  /** The text with every occurrence of every secret (in every form) replaced by REDACTED. */
  mask(text: string): string {
    if (this.values.size === 0 || text.length < MIN_MASKED_LENGTH) return text;
    const ranges: Array<[number, number]> = [];
    for (const form of this.allForms()) {
      // Every occurrence, overlapping ones included: "aaaa" in "aaaaa" covers all five.
      for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) ranges.push([at, at + form.length]);
    }
    this.truncated(text, ranges);
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = "";
    let pos = 0;
    let cur = ranges[0] as [number, number];
    for (const r of ranges.slice(1)) {
      if (r[0] <= cur[1]) cur = [cur[0], Math.max(cur[1], r[1])];
      else {
        out += text.slice(pos, cur[0]) + REDACTED;
        pos = cur[1];
        cur = r;
      }
    }
    return out + text.slice(pos, cur[0]) + REDACTED + text.slice(cur[1]);
  }

  /**
   * Messages and names are shortened with "..." (a default task name, a query's summary, a
   * response body): a secret cut there is no longer found whole, but its first part must not show
   * either. So a secret's beginning (MIN_MASKED_LENGTH characters or more) right before "..." or
   * "…" is masked as well.
   */
  private truncated(text: string, ranges: Array<[number, number]>): void {
    for (const marker of ["...", "…"]) {
      for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) {
        let longest = 0;
        for (const form of this.allForms()) {
          for (let k = Math.min(form.length - 1, at); k > longest && k >= MIN_MASKED_LENGTH; k--) {
            if (text.startsWith(form.slice(0, k), at - k)) {
              longest = k;
              break;
            }
          }
        }
        if (longest > 0) ranges.push([at - longest, at]);
      }
    }
  }

  /**
   * A copy of a value (an event, a module result) with every string masked, object keys
   * included; a byte array holding a secret becomes REDACTED. Other objects are copied as their
   * own enumerable properties, which is all JSON.stringify would show of them.
   */
  maskDeep(value: unknown): unknown {
    if (this.values.size === 0) return value;
    if (typeof value === "string") return this.mask(value);
    if (typeof value !== "object" || value === null) return value;
    if (value instanceof Uint8Array) return this.mask(Buffer.from(value).toString("utf8")) === Buffer.from(value).toString("utf8") ? value : REDACTED;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v));
    if (!isPlainRecord(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.mask(k), this.maskDeep(v)]));
  }
}
