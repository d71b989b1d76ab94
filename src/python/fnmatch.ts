import { compilePyRegex, pyReEscape } from "./regex.js";

// Python's fnmatch (3.11) on POSIX, where fnmatch.fnmatch is case-sensitive: the glob is
// translated as fnmatch.translate translates it, into a Python pattern compiled by our `re`.
// translate turns `*` into a look-ahead trick that only keeps Python from backtracking; `.*`
// accepts the same names, and JavaScript's engine needs no such help.

/** fnmatch.translate's pattern (without its `(?s:...)\Z` wrapper: compiled DOTALL and fullmatch). */
export function fnmatchPattern(pat: string): string {
  const res: string[] = [];
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat.charAt(i);
    i++;
    if (c === "*") {
      if (res.at(-1) !== ".*") res.push(".*");
    } else if (c === "?") res.push(".");
    else if (c === "[") {
      let j = i;
      if (j < n && pat.charAt(j) === "!") j++;
      if (j < n && pat.charAt(j) === "]") j++;
      while (j < n && pat.charAt(j) !== "]") j++;
      if (j >= n) {
        res.push("\\[");
        continue;
      }
      let stuff: string;
      if (!pat.slice(i, j).includes("-")) stuff = pat.slice(i, j).replace(/\\/g, "\\\\");
      else {
        const chunks: string[] = [];
        let k = pat.charAt(i) === "!" ? i + 2 : i + 1;
        for (;;) {
          k = pat.indexOf("-", k);
          if (k < 0 || k >= j) break;
          chunks.push(pat.slice(i, k));
          i = k + 1;
          k = k + 3;
        }
        const chunk = pat.slice(i, j);
        if (chunk) chunks.push(chunk);
        else chunks[chunks.length - 1] += "-";
        // Empty ranges (z-a) are invalid in a pattern: fnmatch drops them.
        for (let m = chunks.length - 1; m > 0; m--) {
          const prev = chunks[m - 1] ?? "";
          const cur = chunks[m] ?? "";
          if (prev.slice(-1) > cur.charAt(0)) {
            chunks[m - 1] = prev.slice(0, -1) + cur.slice(1);
            chunks.splice(m, 1);
          }
        }
        stuff = chunks.map((s) => s.replace(/\\/g, "\\\\").replace(/-/g, "\\-")).join("-");
      }
      stuff = stuff.replace(/([&~|])/g, "\\$1");
      i = j + 1;
      if (!stuff) res.push("(?!)");
      else if (stuff === "!") res.push(".");
      else {
        if (stuff.startsWith("!")) stuff = `^${stuff.slice(1)}`;
        else if (stuff.startsWith("^") || stuff.startsWith("[")) stuff = `\\${stuff}`;
        res.push(`[${stuff}]`);
      }
    } else res.push(pyReEscape(c));
  }
  return res.join("");
}

/** fnmatch.fnmatch(name, pat) as a reusable test. */
export function fnmatcher(pat: string): (name: string) => boolean {
  const re = compilePyRegex(fnmatchPattern(pat), { dotall: true, mode: "fullmatch" });
  return (name) => {
    re.lastIndex = 0;
    return re.test(name);
  };
}
