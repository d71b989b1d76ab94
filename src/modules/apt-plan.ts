import { ModuleError } from "./contract.js";

// Pure parts of the apt module: package specs, dpkg-query / apt-cache / apt-get -s output, and
// the plan (which packages one apt-get transaction must install, upgrade or remove).

/** `name`, `name:arch`, `name=version`, `name:arch=version`, as apt-get takes them. */
export interface PkgSpec {
  raw: string;
  name: string;
  arch?: string;
  version?: string;
}

const SPEC = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?(?:=([A-Za-z0-9.+~:-]+))?$/;

export function parseSpec(raw: string): PkgSpec {
  const m = SPEC.exec(raw.trim());
  if (!m?.[1]) {
    throw new ModuleError(`"${raw}" is not a package name (name, name:arch or name=version; wildcards and >= are not supported)`);
  }
  return { raw: raw.trim(), name: m[1], ...(m[2] ? { arch: m[2] } : {}), ...(m[3] ? { version: m[3] } : {}) };
}

/** One line of `dpkg-query -W -f='${Package}\t${Architecture}\t${Status}\t${Version}\n'`. */
export interface PkgStatus {
  name: string;
  arch: string;
  /** dpkg's status word: installed, config-files, not-installed, unpacked, half-configured, ... */
  status: string;
  /** First word of Status: install, hold, deinstall, purge, unknown. */
  want: string;
  version: string;
}

export const DPKG_FORMAT = "${Package}\\t${Architecture}\\t${Status}\\t${Version}\\n";

export function parseDpkgQuery(text: string): PkgStatus[] {
  const out: PkgStatus[] = [];
  for (const line of text.split("\n")) {
    const [name, arch, status, version] = line.split("\t");
    if (!name || arch === undefined || status === undefined) continue;
    const words = status.split(" ");
    out.push({ name, arch, want: words[0] ?? "", status: words[2] ?? "", version: version ?? "" });
  }
  return out;
}

/** `apt-cache policy` per package: installed and candidate versions, undefined for "(none)". */
export interface Policy {
  installed?: string;
  candidate?: string;
}

export function parsePolicy(text: string): Map<string, Policy> {
  const out = new Map<string, Policy>();
  let cur: Policy | undefined;
  for (const line of text.split("\n")) {
    const head = /^(\S+):$/.exec(line);
    if (head?.[1]) {
      cur = {};
      out.set(head[1], cur);
      continue;
    }
    const f = /^ {2}(Installed|Candidate): (.+)$/.exec(line);
    if (cur && f?.[1] && f[2] && f[2] !== "(none)") cur[f[1] === "Installed" ? "installed" : "candidate"] = f[2];
  }
  return out;
}

/** What `apt-get -s` says the transaction would do, dependencies included. */
export interface SimStep {
  op: "install" | "remove" | "purge";
  name: string;
  from?: string;
  to?: string;
}

export function parseSimulation(text: string): SimStep[] {
  const out: SimStep[] = [];
  for (const line of text.split("\n")) {
    const inst = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+)/.exec(line);
    if (inst?.[1] && inst[3]) {
      out.push({ op: "install", name: inst[1], ...(inst[2] ? { from: inst[2] } : {}), to: inst[3] });
      continue;
    }
    const rm = /^(Remv|Purg) (\S+)(?: \[(\S+)\])?/.exec(line);
    if (rm?.[1] && rm[2]) out.push({ op: rm[1] === "Purg" ? "purge" : "remove", name: rm[2], ...(rm[3] ? { from: rm[3] } : {}) });
  }
  return out;
}

export type Action = "install" | "upgrade" | "change-version" | "remove" | "purge";

export interface PkgAction {
  name: string;
  action: Action;
  from?: string;
  /** Target version when known before apt runs (a pin, or the candidate for latest). */
  to?: string;
}

export interface Plan {
  /** Arguments for one `apt-get install` (names, or name=version pins). */
  install: string[];
  /** Arguments for one `apt-get remove` (or `purge`). */
  remove: string[];
  actions: PkgAction[];
  /**
   * Named packages already installed, but only as another package's dependency: marked manually
   * installed (apt-mark manual), as Ansible's apt marks every package it is given, so that apt's
   * autoremove never takes a package a role asked for.
   */
  markManual: string[];
}

export interface PlanInput {
  specs: PkgSpec[];
  state: "present" | "absent" | "latest";
  purge: boolean;
  dpkg: PkgStatus[];
  /** Virtual package names that some installed package provides. */
  provided: ReadonlySet<string>;
  /** For state=latest. */
  policy?: ReadonlyMap<string, Policy>;
  /** Installed packages apt marks automatically installed (/var/lib/apt/extended_states). */
  auto?: ReadonlySet<string>;
}

/** dpkg knows files of the package on disk: anything but not-installed and config-files. */
function onDisk(p: PkgStatus): boolean {
  return p.status !== "not-installed" && p.status !== "config-files" && p.status !== "";
}

function matching(dpkg: PkgStatus[], s: PkgSpec): PkgStatus[] {
  return dpkg.filter((p) => p.name === s.name && (s.arch === undefined || p.arch === s.arch || p.arch === "all"));
}

/** The transaction that brings the packages to the wanted state; empty when nothing is to do. */
export function planPackages(input: PlanInput): Plan {
  const plan: Plan = { install: [], remove: [], actions: [], markManual: [] };
  const keep = (s: PkgSpec) => {
    if (input.auto?.has(s.name) && !plan.markManual.includes(s.name)) plan.markManual.push(s.name);
  };
  for (const s of input.specs) {
    const known = matching(input.dpkg, s);
    const installed = known.find((p) => p.status === "installed");
    const present = known.find(onDisk);
    switch (input.state) {
      case "present": {
        if (installed && (s.version === undefined || installed.version === s.version)) {
          keep(s);
          break;
        }
        if (!present && s.version === undefined && input.provided.has(s.name)) break;
        plan.install.push(s.raw);
        const from = present?.version;
        const action: Action = !present ? "install" : s.version !== undefined && from !== s.version ? "change-version" : "install";
        plan.actions.push({ name: s.name, action, ...(from ? { from } : {}), ...(s.version ? { to: s.version } : {}) });
        break;
      }
      case "latest": {
        const pol = input.policy?.get(s.arch ? `${s.name}:${s.arch}` : s.name) ?? input.policy?.get(s.name);
        if (!present && input.provided.has(s.name)) break;
        if (!pol?.candidate) {
          if (installed) {
            keep(s); // installed from a source that is gone: it is the latest there is
            break;
          }
          throw new ModuleError(`package ${s.raw} has no installation candidate (unknown, or only virtual; is the apt cache current?)`);
        }
        if (installed && installed.version === pol.candidate) {
          keep(s);
          break;
        }
        plan.install.push(s.raw);
        const from = present?.version;
        plan.actions.push({ name: s.name, action: present ? "upgrade" : "install", ...(from ? { from } : {}), to: pol.candidate });
        break;
      }
      case "absent": {
        if (present && (s.version === undefined || present.version === s.version)) {
          plan.remove.push(s.raw.replace(/=.*$/, ""));
          plan.actions.push({ name: s.name, action: input.purge ? "purge" : "remove", from: present.version });
        } else if (!present && input.purge && known.some((p) => p.status === "config-files")) {
          plan.remove.push(s.raw.replace(/=.*$/, ""));
          plan.actions.push({ name: s.name, action: "purge" });
        }
        break;
      }
    }
  }
  return plan;
}

function describe(a: PkgAction | SimStep): string {
  const versions = a.from && a.to ? ` ${a.from} -> ${a.to}` : a.to ? ` ${a.to}` : "";
  return `${a.name}${versions}`;
}

/** "install tree, libpopt0; upgrade jq 1.6-2.1+deb12u2 -> 1.6-2.1+deb12u3" */
export function summarize(actions: readonly PkgAction[], sim?: readonly SimStep[]): string {
  const groups = new Map<string, string[]>();
  for (const a of actions) groups.set(a.action, [...(groups.get(a.action) ?? []), describe(a)]);
  const parts = [...groups].map(([action, names]) => `${action} ${names.join(", ")}`);
  if (sim) {
    const named = new Set(actions.map((a) => a.name));
    const extra = sim.filter((s) => !named.has(s.name));
    if (extra.length) parts.push(`and ${extra.map((s) => `${s.op} ${s.name}`).join(", ")}`);
  }
  return parts.join("; ");
}

/** Package list before and after, one `name version` line each, for --diff. */
export function packagesDiff(actions: readonly PkgAction[], sim?: readonly SimStep[]): { before: string; after: string } {
  const rows: { name: string; before: string; after: string }[] = [];
  if (sim?.length) {
    for (const s of sim) rows.push({ name: s.name, before: s.from ?? "(not installed)", after: s.op === "install" ? (s.to ?? "(installed)") : `(${s.op === "purge" ? "purged" : "removed"})` });
  } else {
    for (const a of actions) {
      const after = a.action === "remove" ? "(removed)" : a.action === "purge" ? "(purged)" : (a.to ?? "(installed)");
      rows.push({ name: a.name, before: a.from ?? "(not installed)", after });
    }
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return {
    before: rows.map((r) => `${r.name} ${r.before}\n`).join(""),
    after: rows.map((r) => `${r.name} ${r.after}\n`).join(""),
  };
}
