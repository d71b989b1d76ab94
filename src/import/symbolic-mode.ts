import { applySymbolicMode } from "../modules/symbolic-mode.js";

// A symbolic file mode (`u=rw,g=r,o=r`) as the octal mode it always gives, where it gives one
// whatever the file's current mode: every class (u, g, o) assigned with `=`, with no `X` and no
// copy from another class (which depend on the file). Modules whose `mode` takes only octal
// (template, copy, ...) then take it; relative modes (`g+w`) stay symbolic, for the file module.

const ABSOLUTE_CLAUSE = /^(a|[ugo]+)=([rwxst]*)$/;

/** The octal mode ("0644") of an absolute symbolic mode, or undefined when it is not one. */
export function absoluteSymbolicMode(text: string): string | undefined {
  const classes = new Set<string>();
  for (const clause of text.split(",")) {
    const m = ABSOLUTE_CLAUSE.exec(clause.trim());
    if (m === null) return undefined;
    for (const c of m[1] === "a" || (m[1] ?? "").includes("a") ? "ugo" : (m[1] ?? "")) classes.add(c);
  }
  if (!(classes.has("u") && classes.has("g") && classes.has("o"))) return undefined;
  return applySymbolicMode(text.split(",").map((c) => c.trim()).join(","), 0, false).toString(8).padStart(4, "0");
}
