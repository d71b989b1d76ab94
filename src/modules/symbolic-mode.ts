// Ansible's symbolic file modes (`g+w`, `u=rwX,go=rX`, `a-x`, `g=u`), computed as ansible-core's
// AnsibleModule._symbolic_mode_to_octal computes them (module_utils/basic.py): our own port,
// because the result must be Ansible's to the bit (idempotence compares it with the file's mode).
// Clauses apply left to right to the current mode; `=` clears the class's bits (its
// setuid/setgid/sticky bit included); `X` is x for a directory or a file that has any x bit; a
// clause without a class applies to all three through the umask. As in ansible-core 2.14, `X`
// and the copies (`g=u`) read the path's mode before the change, not the mode the earlier
// clauses made.

/** One clause: classes, then one or more operator-permissions pairs (`u+r-w`); Ansible's USERS_RE, PERMS_RE, MODE_OPERATOR_RE. */
const CLAUSE = /^(a|[ugo]*)((?:[-+=][rwxXstugo]*)+)$/;

/** Whether text is a symbolic mode Ansible accepts. */
export function isSymbolicMode(text: string): boolean {
  return text !== "" && text.split(",").every((c) => CLAUSE.test(c));
}

type Who = "u" | "g" | "o";

const MASK: Record<Who, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/** _get_octal_mode_from_symbolic_perms: the bits `perms` stand for, for class `who`, given the path's mode. */
function permBits(who: Who, perms: string, prev: number, isDir: boolean, umask: number | undefined): number {
  const rev = umask === undefined ? 0o777 : ~umask & 0o777;
  const shift = { u: 6, g: 3, o: 0 }[who];
  const x = isDir || (prev & 0o111) !== 0 ? 0o1 << shift : 0;
  const copy = (from: Who) => ((prev >> { u: 6, g: 3, o: 0 }[from]) & 0o7) << shift;
  const bit: Record<string, number> = {
    r: rev & (0o4 << shift),
    w: rev & (0o2 << shift),
    x: rev & (0o1 << shift),
    X: x,
    s: { u: 0o4000, g: 0o2000, o: 0 }[who],
    t: who === "o" ? 0o1000 : 0,
    u: copy("u"),
    g: copy("g"),
    o: copy("o"),
  };
  let mode = 0;
  for (const p of perms) mode |= bit[p] ?? 0;
  return mode;
}

/**
 * The mode a symbolic mode gives a path whose mode is `current` (permission bits and
 * setuid/setgid/sticky), a directory or not; `umask` for clauses that name no class.
 */
export function applySymbolicMode(symbolic: string, current: number, isDir: boolean, umask = 0o022): number {
  const before = current & 0o7777;
  let mode = before;
  for (const clause of symbolic.split(",")) {
    const m = CLAUSE.exec(clause);
    if (m === null) throw new Error(`bad symbolic permission for mode: ${clause}`);
    const users = m[1] ?? "";
    const who: Who[] = users === "" || users === "a" ? ["u", "g", "o"] : ([...users] as Who[]);
    for (const [, op, perms] of (m[2] ?? "").matchAll(/([-+=])([rwxXstugo]*)/g)) {
      for (const w of who) {
        const bits = permBits(w, perms ?? "", before, isDir, users === "" ? umask : undefined);
        if (op === "=") mode = (mode & ~MASK[w]) | bits;
        else if (op === "+") mode |= bits;
        else mode &= ~bits;
      }
    }
  }
  return mode;
}
