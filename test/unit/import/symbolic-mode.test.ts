import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { absoluteSymbolicMode } from "../../../src/import/symbolic-mode.js";

// Symbolic modes from the vendored roles and around them, against ansible-core's own
// _symbolic_mode_to_octal (Debian's, /usr/bin/python3) applied to files and directories of
// several current modes: a mode the importer turns into octal must give that octal whatever the
// file was; one that depends on it (relative, X, a class left out) is not turned into octal.

const STATIC = ["u=rw,g=r,o=r", "u=rwx,g=rx,o=rx", "u=rwx,g=rwx,o=", "u=rw,g=,o=", "a=r,u=rw", "u=rws,g=rxs,o=rt", "ug=rw,o=", "a=rwx", "o=,u=r,g=w,u=rw"];
const DEPENDENT = ["g+w", "g+s", "u=rw,g=r", "u=rwX,g=rX,o=rX", "=rw", "u+x,g=r,o=r", "0644"];
const CURRENT = [0, 0o7777, 0o755, 0o4750, 0o640];

function ansible(modes: readonly string[]): string[][] {
  const script = [
    "import json, stat, sys",
    "from ansible.module_utils.basic import AnsibleModule",
    "class S: pass",
    "out = []",
    "for sym in json.loads(sys.argv[1]):",
    "    row = []",
    `    for cur in ${JSON.stringify(CURRENT)}:`,
    "        for kind in (stat.S_IFREG, stat.S_IFDIR):",
    "            s = S(); s.st_mode = kind | cur",
    "            row.append(format(AnsibleModule._symbolic_mode_to_octal(s, sym), '04o'))",
    "    out.append(row)",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, JSON.stringify(modes)], { encoding: "utf8" })) as string[][];
}

describe("absolute symbolic modes", () => {
  it("give ansible-core's octal for every current mode", () => {
    const results = ansible(STATIC);
    STATIC.forEach((mode, i) => {
      const row = results[i] ?? [];
      expect(new Set(row).size, `${mode}: ${row.join(" ")}`).toBe(1);
      expect(absoluteSymbolicMode(mode), mode).toBe(row[0]);
    });
  });

  it("are not claimed where the result depends on the file", () => {
    // "=rw" (no class) depends on the host's umask instead, and "0644" is no symbolic mode.
    const symbolic = DEPENDENT.filter((m) => m !== "0644" && m !== "=rw");
    const results = ansible(symbolic);
    // Each depends on the current mode in Ansible too (so a static octal would be wrong).
    symbolic.forEach((mode, i) => expect(new Set(results[i]).size, mode).toBeGreaterThan(1));
    for (const mode of DEPENDENT) expect(absoluteSymbolicMode(mode), mode).toBeUndefined();
  });
});
