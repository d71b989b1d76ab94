/**
 * Python's fnmatch.translate as Ansible uses it for host patterns: `*`, `?`, `[seq]`, `[!seq]`,
 * whole-string and case-sensitive; an unclosed `[` is a literal bracket.
 */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  let i = 0;
  while (i < glob.length) {
    const c = glob[i++] ?? "";
    if (c === "*") {
      if (!out.endsWith(".*")) out += ".*";
    } else if (c === "?") {
      out += ".";
    } else if (c === "[") {
      const end = classEnd(glob, i);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      out += characterClass(glob.slice(i, end));
      i = end + 1;
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^(?:${out})$`, "s");
}

/** True when a pattern uses glob syntax, i.e. is not a plain name. */
export function hasGlobSyntax(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

// fnmatch: a `]` right after `[` or `[!` is a member, not the end.
function classEnd(glob: string, start: number): number {
  let j = start;
  if (glob[j] === "!") j++;
  if (glob[j] === "]") j++;
  while (j < glob.length && glob[j] !== "]") j++;
  return j < glob.length ? j : -1;
}

function characterClass(body: string): string {
  const negated = body.startsWith("!");
  const members = negated ? body.slice(1) : body;
  // Keep `-` (ranges) as is; escape what JavaScript would read differently from Python.
  const escaped = members.replace(/[\\\]\[^]/g, "\\$&");
  return `[${negated ? "^" : ""}${escaped}]`;
}
