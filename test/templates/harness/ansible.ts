import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { z } from "zod";
import { ansibleEnv } from "../../ansible-core/env.js";
import type { TemplateCase } from "./cases.js";
import type { Rendering } from "./ours.js";

// Ansible's side of the differential test: every case rendered by ansible-core's own template
// action, in one ansible-playbook run per inventory and extra-vars file (-e @file applies to the
// whole run; one run for all cases with neither): a
// generated playbook on the controller, one template task per case with the case's vars as task
// vars (above inventory vars, as --vars is). The copy stand-in and the JSON-lines callback live in
// test/templates/ansible/. Nothing is cached: each run has its own ANSIBLE_HOME and temp dirs.

const run = promisify(execFile);
const plugins = new URL("../ansible/", import.meta.url).pathname;

const ResultLine = z.object({ case: z.string(), failed: z.boolean(), msg: z.string() });

/** Renders every case with Ansible into `work` (a fresh directory); one Rendering per case name. */
export async function renderWithAnsible(cases: readonly TemplateCase[], work: string): Promise<Map<string, Rendering>> {
  const groups = new Map<string, TemplateCase[]>();
  for (const c of cases) {
    const key = JSON.stringify([c.inventory ?? "", c.extraVars ?? ""]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const results = new Map<string, Rendering>();
  let n = 0;
  for (const group of groups.values()) {
    const inventory = group[0]?.inventory ?? "";
    const extraVars = group[0]?.extraVars;
    const dir = join(work, `run${n++}`);
    const out = join(dir, "out");
    const outputs = new Map(group.map((c) => [c.name, join(out, `${c.name}.out`)]));
    const rendered = await runPlaybook({ dir, inventories: [inventory === "" ? "localhost," : inventory], ...(extraVars !== undefined && { extraVars }), playbook: playbook(group, out), outputs });
    for (const [name, r] of rendered) results.set(name, r);
  }
  return results;
}

/** One ansible-playbook run of template tasks, each named for its case and writing `outputs.get(name)`. */
export interface PlaybookRun {
  /** A fresh directory: the playbook, ansible.cfg, HOME and temp dirs go here. */
  dir: string;
  /** `-i` arguments, in order. */
  inventories: readonly string[];
  /** A vars file given as `-e @FILE` (above everything, on every host). */
  extraVars?: string;
  playbook: string;
  /** Case name (= task name) → the file its template task writes. */
  outputs: ReadonlyMap<string, string>;
  /** Added to the environment (e.g. a fact cache, a roles path). */
  env?: Readonly<Record<string, string>>;
}

/** Runs the playbook with the system's ansible-playbook and the case_results callback; one Rendering per case. */
export async function runPlaybook(r: PlaybookRun): Promise<Map<string, Rendering>> {
  const { dir } = r;
  mkdirSync(dir, { recursive: true });
  for (const file of r.outputs.values()) mkdirSync(dirname(file), { recursive: true });
  writeFileSync(join(dir, "playbook.yml"), r.playbook);
  const env = ansibleEnv(dir, {
    extra: {
      ANSIBLE_REMOTE_TEMP: join(dir, "remote-tmp"),
      ANSIBLE_ACTION_PLUGINS: join(plugins, "action_plugins"),
      ANSIBLE_CALLBACK_PLUGINS: join(plugins, "callback_plugins"),
      ANSIBLE_STDOUT_CALLBACK: "case_results",
      ...r.env,
    },
  });
  const args = [...r.inventories.flatMap((i) => ["-i", i]), ...(r.extraVars === undefined ? [] : ["-e", `@${r.extraVars}`]), join(dir, "playbook.yml")];
  let stdout: string;
  try {
    ({ stdout } = await run("ansible-playbook", args, { cwd: dir, env, maxBuffer: 64 << 20 }));
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message?: string };
    if (err.code === "ENOENT") throw new Error("ansible-playbook is not installed: the template parity test needs Debian's ansible-core (npm test installs it as root, or npm run lab -- prereqs --ansible)");
    throw new Error(`ansible-playbook ${args.join(" ")} failed: ${err.stderr ?? ""}${err.stdout ?? ""}${err.message ?? ""}`);
  }
  const results = new Map<string, Rendering>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const res = ResultLine.parse(JSON.parse(line));
    const out = r.outputs.get(res.case);
    if (out === undefined) continue;
    results.set(res.case, res.failed || !existsSync(out) ? { ok: false, error: res.msg } : { ok: true, output: readFileSync(out, "utf8") });
  }
  for (const name of r.outputs.keys()) {
    if (!results.has(name)) throw new Error(`ansible-playbook reported nothing for case ${name}:\n${stdout}`);
  }
  return results;
}

/** A play per host, a template task per case; vars.yml goes in verbatim (re-serialising would lose 1.0 vs 1). */
function playbook(cases: readonly TemplateCase[], out: string): string {
  const byHost = new Map<string, TemplateCase[]>();
  for (const c of cases) byHost.set(c.host ?? "localhost", [...(byHost.get(c.host ?? "localhost") ?? []), c]);
  let y = "";
  for (const [host, group] of byHost) {
    // Play vars outrank inventory host vars: whatever a case's inventory says, render here.
    y += `- hosts: ${JSON.stringify(host)}\n  gather_facts: false\n  vars: { ansible_connection: local }\n  tasks:\n`;
    for (const c of group) {
      y += `    - name: ${JSON.stringify(c.name)}\n      ignore_errors: true\n      ansible.builtin.template:\n`;
      y += `        src: ${JSON.stringify(c.template)}\n        dest: ${JSON.stringify(join(out, `${c.name}.out`))}\n`;
      y += `      vars:${taskVars(c.vars)}\n`;
    }
  }
  return y;
}

function taskVars(file: string | undefined): string {
  return indentedVars(file, 8);
}

/** A vars file's mapping as YAML text to follow `vars:`, indented; " {}" when none or empty. */
export function indentedVars(file: string | undefined, indent: number): string {
  if (file === undefined) return " {}";
  const text = readFileSync(file, "utf8");
  if (parse(text, { logLevel: "error" }) === null) return " {}";
  const body = text.replace(/^---[^\n]*\n/, "").replace(/\n\.\.\.\s*$/, "\n");
  return `\n${body.replace(/\n$/, "").split("\n").map((l) => `${" ".repeat(indent)}${l}`).join("\n")}`;
}
