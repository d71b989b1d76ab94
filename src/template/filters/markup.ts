import { FilterError } from "../errors.js";
import { isMapping } from "../values/kinds.js";
import { pyJsonDumps } from "../values/json.js";
import { numericValue } from "../values/py-float.js";
import { pyPformat } from "../values/pprint.js";
import { pySplitlines } from "../values/py-strings.js";
import { textwrap } from "../values/textwrap.js";
import { isUndefined } from "../values/undefined.js";
import { flag, int, text } from "./args.js";
import { getAttribute } from "./attr-path.js";
import { defineFilter, type FilterTable } from "./registry.js";
import { htmlEscape } from "./strings.js";

// Jinja2's markup and text-layout filters, as Jinja2 3.1 implements them: pprint, striptags,
// tojson, urlize, wordwrap, xmlattr; and attr.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** html.unescape for the entities markup produces: named basics and numeric references. */
function htmlUnescape(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x") || ref.startsWith("#X")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** markupsafe's Markup.striptags: comments and tags removed, whitespace collapsed, entities decoded. */
function striptags(s: string): string {
  const stripped = s.replace(/<!--.*?-->|<[^>]*>/g, "");
  return htmlUnescape(stripped.split(/[\s\x1c-\x1f\x85]+/u).filter((w) => w !== "").join(" "));
}

/** Jinja2's htmlsafe_json_dumps with the environment's default policy (sort_keys). */
function tojson(v: unknown, indent: unknown): string {
  const n = indent === undefined || indent === null ? null : (numericValue(indent) ?? null);
  return pyJsonDumps(v, { sortKeys: true, indent: n })
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/'/g, "\\u0027");
}

const HTTP_RE =
  /^((https?:\/\/|www\.)(([\w%-]+\.)+)?([a-z]{2,63}|xn--[\w%]{2,59})|([\w%-]{2,63}\.)+(com|net|int|edu|gov|org|info|mil)|(https?:\/\/)((([\d]{1,3})(\.[\d]{1,3}){3})|(\[([\da-f]{0,4}:){2}([\da-f]{0,4}:?){1,6}])))(?::[\d]{1,5})?(?:[/?#]\S*)?$/i;
const EMAIL_RE = /^\S+@\w[\w.-]*\.\w+$/;

/** Jinja2 3.1's utils.urlize with the default policy (rel="noopener"). */
function urlize(value: string, limit: number | undefined, rel: string, target: string | undefined): string {
  const trim = (x: string): string => (limit !== undefined && x.length > limit ? `${x.slice(0, limit)}...` : x);
  const relAttr = rel ? ` rel="${htmlEscape(rel)}"` : "";
  const targetAttr = target ? ` target="${htmlEscape(target)}"` : "";
  const words = htmlEscape(value).split(/(\s+)/);
  return words
    .map((word) => {
      let head = "";
      let middle = word;
      let tail = "";
      const lead = /^([(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(lead[0].length);
      }
      const trail = /([)>.,\n]|&gt;)+$/.exec(middle);
      if (trail) {
        tail = trail[0];
        middle = middle.slice(0, trail.index);
      }
      for (const [open, close] of [["(", ")"], ["<", ">"], ["&lt;", "&gt;"]] as const) {
        const opens = middle.split(open).length - 1;
        if (opens <= middle.split(close).length - 1) continue;
        for (let i = Math.min(opens, tail.split(close).length - 1); i > 0; i--) {
          const end = tail.indexOf(close) + close.length;
          middle += tail.slice(0, end);
          tail = tail.slice(end);
        }
      }
      if (HTTP_RE.test(middle)) {
        const href = middle.startsWith("https://") || middle.startsWith("http://") ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith("mailto:") && EMAIL_RE.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (middle.includes("@") && !middle.startsWith("www.") && !middle.includes(":") && EMAIL_RE.test(middle)) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      }
      return `${head}${middle}${tail}`;
    })
    .join("");
}

export const markupFilters: FilterTable = {
  attr: defineFilter(["name"], (v, [name]) => getAttribute(v, text(name))),
  pprint: defineFilter([], (v) => pyPformat(v)),
  striptags: defineFilter([], (v) => striptags(text(v))),
  tojson: defineFilter(["indent"], (v, [indent]) => tojson(v, indent)),
  urlize: defineFilter(["trim_url_limit", "nofollow", "target", "rel", "extra_schemes"], (v, [limit, nofollow, target, rel]) => {
    const rels = new Set((rel === undefined || rel === null ? "" : text(rel)).split(/\s+/).filter((r) => r !== ""));
    if (flag(nofollow)) rels.add("nofollow");
    rels.add("noopener");
    return urlize(
      text(v),
      limit === undefined || limit === null ? undefined : int("urlize", limit, 0, "trim_url_limit"),
      [...rels].sort().join(" "),
      target === undefined || target === null ? undefined : text(target),
    );
  }),
  wordwrap: defineFilter(["width", "break_long_words", "wrapstring", "break_on_hyphens"], (v, [width, breakLong, wrapstring, hyphens]) => {
    const sep = wrapstring === undefined || wrapstring === null ? "\n" : text(wrapstring);
    const opts = { width: int("wordwrap", width, 79, "width"), breakLongWords: flag(breakLong, true), breakOnHyphens: flag(hyphens, true) };
    return pySplitlines(text(v), false)
      .map((line) => textwrap(line, opts).join(sep))
      .join(sep);
  }),
  xmlattr: defineFilter(["autospace"], (v, [autospace]) => {
    if (!isMapping(v)) throw new FilterError("xmlattr", "input must be a dictionary");
    const rv = Object.entries(v)
      .filter(([, val]) => val !== null && val !== undefined && !isUndefined(val))
      .map(([key, val]) => `${htmlEscape(key)}="${htmlEscape(val)}"`)
      .join(" ");
    return flag(autospace, true) && rv ? ` ${rv}` : rv;
  }),
};
