// A symbolic file mode (`u=rw,g=r,o=r`) as the octal mode it always gives, where it gives one
// whatever the file's current mode: every class (u, g, o) assigned with `=`, with no `X` (which
// depends on the file). That is how Ansible's _symbolic_mode_to_octal (module_utils/basic.py)
// computes it: `=` clears the class's bits (its setuid/setgid/sticky bit included) and sets the
// named ones; later clauses apply on top. Relative modes (`g+w`) depend on the file and are not
// converted here.

const CLAUSE = /^([ugoa]+)=([rwxst]*)$/;

const BITS: Record<"u" | "g" | "o", Record<string, number>> = {
  u: { r: 0o400, w: 0o200, x: 0o100, s: 0o4000, t: 0 },
  g: { r: 0o040, w: 0o020, x: 0o010, s: 0o2000, t: 0 },
  o: { r: 0o004, w: 0o002, x: 0o001, s: 0, t: 0o1000 },
};

/** The octal mode ("0644") of an absolute symbolic mode, or undefined when it is not one. */
export function absoluteSymbolicMode(text: string): string | undefined {
  const assigned = new Map<"u" | "g" | "o", number>();
  for (const clause of text.split(",")) {
    const m = CLAUSE.exec(clause.trim());
    if (m === null) return undefined;
    const users = (m[1] ?? "").includes("a") ? "ugo" : (m[1] ?? "");
    for (const user of users as Iterable<"u" | "g" | "o">) {
      let bits = 0;
      for (const p of m[2] ?? "") bits |= BITS[user][p] ?? 0;
      assigned.set(user, bits);
    }
  }
  if (!(assigned.has("u") && assigned.has("g") && assigned.has("o"))) return undefined;
  const mode = [...assigned.values()].reduce((a, b) => a | b, 0);
  return mode.toString(8).padStart(4, "0");
}
