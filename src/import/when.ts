// `when` as Ansible writes it → a TypeScript condition. OS-family tests the Debian/Ubuntu target
// decides at conversion time; a bare boolean role variable is read directly; everything else is
// evaluated by the template engine when the task runs (exactly Ansible's judgement).

/** What the target is: the importer converts for Debian and Ubuntu hosts. */
const TARGET = { ansible_os_family: ["Debian"], ansible_distribution: ["Debian", "Ubuntu"] } as const;
type FactName = keyof typeof TARGET;

/** One `ansible_os_family == 'X'` (or != , or `in [...]`) test, decided for the target, or undefined. */
function decideTest(test: string): boolean | undefined {
  const t = test.trim().replace(/^\((.*)\)$/s, "$1").trim();
  const eq = /^(ansible_os_family|ansible_distribution|ansible_facts\[['"](?:os_family|distribution)['"]\]|ansible_facts\.(?:os_family|distribution))\s*(==|!=)\s*(['"])([A-Za-z0-9_ -]+)\3$/.exec(t);
  if (eq) {
    const fact: FactName = /os_family/.test(eq[1] ?? "") ? "ansible_os_family" : "ansible_distribution";
    const values: readonly string[] = TARGET[fact];
    // Debian's distribution is Debian or Ubuntu: only a name neither can have is decided.
    const matches = values.includes(eq[4] ?? "");
    if (fact === "ansible_distribution" && matches) return undefined;
    if (fact === "ansible_os_family" || !matches) return eq[2] === "==" ? matches : !matches;
  }
  return undefined;
}

/** Whether a condition is decided for the target: false (a branch for another OS), true, or undefined. */
export function decideForTarget(condition: string): boolean | undefined {
  const ors = splitTop(condition, "or");
  if (ors.length > 1) {
    const parts = ors.map(decideForTarget);
    if (parts.some((p) => p === true)) return true;
    return parts.every((p) => p === false) ? false : undefined;
  }
  const ands = splitTop(condition, "and");
  if (ands.length > 1) {
    const parts = ands.map(decideForTarget);
    if (parts.some((p) => p === false)) return false;
    return parts.every((p) => p === true) ? true : undefined;
  }
  return decideTest(condition);
}

/** Splits on a keyword outside quotes and brackets. */
function splitTop(text: string, word: "or" | "and"): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (depth === 0 && text.startsWith(` ${word} `, i)) {
      out.push(text.slice(start, i));
      start = i + word.length + 2;
      i = start - 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

/** A condition TypeScript can say exactly: a bare boolean role variable, or its `not`. */
export function exactCondition(condition: string, booleans: ReadonlySet<string>, member: (name: string) => string): string | undefined {
  const t = condition.trim();
  const bare = /^(not\s+)?([A-Za-z_][A-Za-z0-9_]*)(\s*\|\s*bool)?$/.exec(t);
  if (bare && booleans.has(bare[2] ?? "")) return `${bare[1] ? "!" : ""}${member(bare[2] ?? "")}`;
  return undefined;
}

/** The names an expression may read (for passing registered results and loop variables). */
export function namesIn(text: string): Set<string> {
  const stripped = text.replace(/(['"])(?:\\.|(?!\1).)*\1/g, "''");
  return new Set(stripped.match(/(?<![.\w])[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/**
 * The names the templates inside a value may read: every `{{ }}` and `{% %}` of every string in
 * it (lists and mappings walked). Text outside them is not Jinja, so its words are no names.
 */
export function namesInValue(value: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g)) for (const n of namesIn(m[1] ?? m[2] ?? "")) out.add(n);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}
