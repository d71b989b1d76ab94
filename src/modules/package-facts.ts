import { z } from "zod";
import { type ModuleContext, ModuleError, defineReadModule } from "./contract.js";

// package_facts: the host's installed packages as the fact `packages`, as
// ansible.builtin.package_facts gives them from apt on Debian and Ubuntu: name → the list of
// installed versions, each {name, version, arch, category, source: "apt"}. Ansible reads them
// through python3-apt; here dpkg's database is read with dpkg-query (no Python on the host).
// Ansible's `origin` (the Origin of the first repository that has the version) is not given.

/** Managers Ansible knows; only apt (and auto, which finds apt on Debian and Ubuntu) is read here. */
const Manager = z.enum(["auto", "apt"], { message: "manager: only auto and apt are supported (Debian and Ubuntu hosts)" });

const PackageFactsArgs = z.strictObject({
  manager: z
    .union([Manager, z.array(Manager).min(1)])
    .default(["auto"])
    .transform((m) => (Array.isArray(m) ? m : [m]))
    .describe("Package managers to read: auto or apt."),
  strategy: z.enum(["first", "all"]).default("first").describe("first: the first manager found; all: every one (the same here: apt is the only one)."),
});

export interface PackageFact {
  name: string;
  version: string;
  arch: string;
  category: string;
  source: "apt";
}

export interface PackageFactsResult {
  ansible_facts: { packages: Record<string, PackageFact[]> };
}

/**
 * dpkg-query lines (Package, Version, Architecture, Section, Status-Abbrev, tab-separated) as
 * python-apt's cache lists installed packages: those with a current version (dpkg's state neither
 * not-installed nor config-files), named as apt names them, with `:arch` only for an architecture
 * other than the host's own and `all`.
 */
export function parseDpkgQuery(out: string, nativeArch: string): Record<string, PackageFact[]> {
  const packages: Record<string, PackageFact[]> = {};
  for (const line of out.split("\n")) {
    const [pkg, version, arch, section, status] = line.split("\t");
    if (pkg === undefined || version === undefined || arch === undefined || section === undefined || status === undefined) continue;
    const state = status.charAt(1);
    if (state === "n" || state === "c" || state === "") continue;
    const name = arch === nativeArch || arch === "all" || arch === "" ? pkg : `${pkg}:${arch}`;
    const fact: PackageFact = { name, version, arch, category: section, source: "apt" };
    (packages[name] ??= []).push(fact);
  }
  return packages;
}

async function gather(ctx: ModuleContext): Promise<PackageFactsResult> {
  const r = await ctx.sh.run("LANG=C LC_ALL=C dpkg --print-architecture && LANG=C LC_ALL=C dpkg-query -W -f '${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${db:Status-Abbrev}\\n'");
  if (r.rc === 127) throw new ModuleError("Could not detect a supported package manager from the following list: ['apt'], or the required Python library is not installed. Check warnings for details. (dpkg-query is not installed on the host)", r);
  if (r.rc !== 0) throw new ModuleError(`package_facts: dpkg-query failed (rc ${r.rc}): ${r.stderr.trim()}`, r);
  const nl = r.stdout.indexOf("\n");
  return { ansible_facts: { packages: parseDpkgQuery(r.stdout.slice(nl + 1), r.stdout.slice(0, nl).trim()) } };
}

export const package_facts = defineReadModule({
  name: "package_facts",
  args: PackageFactsArgs,
  doc: {
    summary: "The installed packages (read from dpkg) as the fact packages (ansible_facts.packages): each name with its installed versions, as Ansible's package_facts gives them on Debian; changes nothing.",
    example: 'const { ansible_facts } = await h.package_facts({});\nconst hasNginx = "nginx" in ansible_facts.packages;',
  },
  read: (ctx) => gather(ctx),
});
