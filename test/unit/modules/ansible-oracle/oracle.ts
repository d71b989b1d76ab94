import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { z } from "zod";

// The TypeScript side of run-module.py: real Ansible modules run on scratch files, for the
// differential tests of the text-editing modules.

/** Debian's Python, the one the ansible-core package installs its modules for. */
export const ANSIBLE_PYTHON = "/usr/bin/python3";

/**
 * The collections root of the modules vendored for these tests (test/fixtures/collections,
 * VENDORED.md there): community.general 6.6.2's ini_file and ansible.posix 1.5.4's mount, the
 * releases in Debian 12's `ansible` package.
 */
export const VENDORED_COLLECTIONS = new URL("../../../fixtures/collections", import.meta.url).pathname;

export function hasCommunityGeneral(root = VENDORED_COLLECTIONS): boolean {
  return existsSync(`${root}/ansible_collections/community/general/plugins/modules/ini_file.py`);
}

export interface OracleRun {
  /** The module as `python3 -m` takes it: "ansible.modules.replace". */
  module: string;
  /** Added to PYTHONPATH (a collections root). */
  path?: string;
  /** The file before; null: none. */
  content: string | null;
  args: Record<string, unknown>;
  /** The argument that names the file ("path" when omitted; mount's is "fstab"). */
  file_arg?: string;
}

const Outcome = z.object({ failed: z.boolean(), changed: z.boolean(), msg: z.string(), content: z.string().nullable() });
export type OracleOutcome = z.infer<typeof Outcome>;

/** Runs every case through the real module in one python process; file contents come back as UTF-8 text. */
export function runAnsibleModule(runs: readonly OracleRun[]): OracleOutcome[] {
  if (!existsSync(ANSIBLE_PYTHON)) throw new Error(`${ANSIBLE_PYTHON} is missing: this test runs ansible-core's own module (Debian: apt-get install ansible-core)`);
  const input = runs.map((r) => JSON.stringify({ ...r, content: r.content === null ? null : Buffer.from(r.content, "utf8").toString("base64") })).join("\n");
  const stdout = execFileSync(ANSIBLE_PYTHON, [new URL("./run-module.py", import.meta.url).pathname], { input, maxBuffer: 64 << 20, encoding: "utf8" });
  const out = z.array(Outcome).parse(JSON.parse(stdout));
  if (out.length !== runs.length) throw new Error(`the oracle answered ${out.length} cases of ${runs.length}`);
  return out.map((o) => ({ ...o, content: o.content === null ? null : Buffer.from(o.content, "base64").toString("utf8") }));
}
