import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { applySymbolicMode, isSymbolicMode } from "../../../src/modules/symbolic-mode.js";

// Symbolic modes against ansible-core's own _symbolic_mode_to_octal (Debian's, /usr/bin/python3,
// umask 022), for files and directories of many current modes: every result identical.

const MODES = [
  "g+w", "g+s", "u+x", "a-x", "o-rwx", "u=rw,g=r,o=r", "u=rwx,g=rx,o=rx", "u=rwX,g=rX,o=rX", "go-w", "+x", "=rw", "-w",
  "g=u", "o=g", "u=rw,g=u-w", "a+X", "ug+rwX,o-rwx", "u+s,g+s,o+t", "g-s", "u=rws", "ug=rw,o=", "a=", "o=rwt", "u+rw-x", "g+ur",
];
const CURRENT = [0, 0o644, 0o755, 0o600, 0o711, 0o4755, 0o2775, 0o1777, 0o7777, 0o640, 0o100];

describe("symbolic modes", () => {
  it("give ansible-core's result for every current mode, files and directories", () => {
    const script = [
      "import json, os, stat, sys",
      "from ansible.module_utils.basic import AnsibleModule",
      "os.umask(0o022)",
      "class S: pass",
      "out = {}",
      "for sym in json.loads(sys.argv[1]):",
      `    for cur in ${JSON.stringify(CURRENT)}:`,
      "        for kind, name in ((stat.S_IFREG, 'f'), (stat.S_IFDIR, 'd')):",
      "            s = S(); s.st_mode = kind | cur",
      "            out[f'{sym} {cur:o} {name}'] = format(AnsibleModule._symbolic_mode_to_octal(s, sym), 'o')",
      "print(json.dumps(out))",
    ].join("\n");
    const ansible = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, JSON.stringify(MODES)], { encoding: "utf8" })) as Record<string, string>;
    const ours: Record<string, string> = {};
    for (const sym of MODES) for (const cur of CURRENT) for (const d of [false, true]) ours[`${sym} ${cur.toString(8)} ${d ? "d" : "f"}`] = applySymbolicMode(sym, cur, d).toString(8);
    expect(Object.keys(ansible)).toHaveLength(MODES.length * CURRENT.length * 2);
    expect(ours).toEqual(ansible);
  });

  it("tells symbolic modes from octal ones and from text Ansible refuses", () => {
    for (const m of MODES) expect(isSymbolicMode(m), m).toBe(true);
    for (const m of ["0644", "644", "", "u=rw,", "q+w", "u+w x", "ua+x", "u*w"]) expect(isSymbolicMode(m), m).toBe(false);
  });
});
