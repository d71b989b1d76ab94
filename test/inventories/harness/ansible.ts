import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ansibleEnv } from "../../ansible-core/env.js";
import type { InventoryCase } from "./cases.js";

// Ansible's side of the differential inventory test: `ansible-inventory -i ... --list` once per
// case, with its own ANSIBLE_HOME and an empty ansible.cfg, from an empty working directory (so
// no playbook-adjacent group_vars/ join in). A source no plugin can parse is an error, not a
// warning, so a case that fails is seen to fail.

const run = promisify(execFile);

export type Listing = { ok: true; json: unknown } | { ok: false; error: string };

export async function listWithAnsible(c: InventoryCase, work: string): Promise<Listing> {
  const dir = join(work, c.name);
  mkdirSync(join(dir, "cwd"), { recursive: true });
  const env = ansibleEnv(dir, { extra: { ANSIBLE_INVENTORY_UNPARSED_FAILED: "1", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "1" } });
  const args = [...c.sources.flatMap((s) => ["-i", s]), "--list"];
  try {
    const { stdout } = await run("ansible-inventory", args, { cwd: join(dir, "cwd"), env, maxBuffer: 64 << 20 });
    return { ok: true, json: JSON.parse(stdout) };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message?: string };
    if (err.code === "ENOENT") throw new Error("ansible-inventory is not installed: the inventory parity test needs Debian's ansible-core (npm test installs it as root, or npm run lab -- prereqs --ansible)");
    return { ok: false, error: `${err.stderr ?? ""}${err.message ?? ""}` };
  }
}

/** Per host, [inventory_file, inventory_dir] as a task sees them ("UNDEF" when a host has none). */
export type OriginVars = Record<string, [unknown, unknown]>;

/**
 * inventory_file / inventory_dir of every host as Ansible's tasks see them: an ad-hoc `debug` per
 * host (no connection is made), one line of JSON each (`-o`). ansible-inventory cannot show them:
 * it hides both.
 */
export async function originVarsWithAnsible(sources: readonly string[], dir: string): Promise<OriginVars> {
  mkdirSync(join(dir, "cwd"), { recursive: true });
  const env = ansibleEnv(dir, { extra: { ANSIBLE_INVENTORY_UNPARSED_FAILED: "1", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "1" } });
  const msg = "msg={{ [inventory_file | default('UNDEF'), inventory_dir | default('UNDEF')] }}";
  const args = ["all", "-o", ...sources.flatMap((s) => ["-i", s]), "-c", "local", "-m", "debug", "-a", msg];
  const { stdout } = await run("ansible", args, { cwd: join(dir, "cwd"), env, maxBuffer: 64 << 20 });
  const out: OriginVars = {};
  for (const line of stdout.split("\n")) {
    const m = /^(\S+) \| SUCCESS => (\{.*\})$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    out[m[1]] = (JSON.parse(m[2]) as { msg: [unknown, unknown] }).msg;
  }
  return out;
}
