import { z } from "zod";
import { shellJoin, shellQuote } from "../remote/quote.js";
import type { CommandResult } from "../remote/shell.js";
import { CACHE_PROBE, type CacheState, UpdateCacheTimeout, aptErrors, cacheStaleReason, parseCacheLine, updateCache } from "./apt-cache.js";
import {
  DPKG_FORMAT,
  type PkgAction,
  type PkgSpec,
  type PkgStatus,
  type Plan,
  type SimStep,
  packagesDiff,
  parseDpkgQuery,
  parsePolicy,
  parseSimulation,
  parseSpec,
  planPackages,
  summarize,
} from "./apt-plan.js";
import { type DebInfo, debInstallScript, debProbeScript, debProbeStdin, parseDebProbe, planDebs } from "./apt-deb.js";
import { markedSections } from "./marked-sections.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { redactUrl } from "./downloads.js";
import { withPolicyRcD } from "./policy-rc-d.js";

// apt: packages in one apt-get transaction per task, Ansible's apt module as the yardstick.
//
// Default install_recommends=false (Ansible follows the host's apt config, which on Debian says
// true): a role should get exactly the packages it names and their dependencies, the same on
// every host whatever its apt.conf says. Recommends pull in daemons and alternatives a role did
// not ask for (docs/debian12-notes.md, 7 shows how an unasked-for apache2 fights nginx for port 80).
// Set install_recommends: true to get them.

const Names = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean));

const AptArgs = z
  .strictObject({
    name: Names.optional().describe("Packages: name, name:arch or name=version (a pinned version); a list, or a comma-separated string."),
    deb: z
      .string()
      .min(1)
      .refine((d) => (d.includes("://") ? /^https?:\/\/\S+$/i.test(d) : d.split(",").every((p) => p.trim().startsWith("/"))), {
        message: "an absolute path on the host (or several, comma-separated), or an http:// or https:// URL",
      })
      .optional()
      .describe(".deb files to install: absolute paths on the host (comma-separated), or one http(s) URL downloaded on the host. Not with name; state=present only."),
    state: z.enum(["present", "absent", "latest"]).default("present").describe("present: installed (whichever version, or the pinned one); latest: upgraded to the candidate version; absent: removed."),
    update_cache: z
      .boolean()
      .optional()
      .describe("Run apt-get update first: every time, and reported as a change every time (Ansible says ok when packages are named), unless cache_valid_time says the lists are fresh."),
    cache_valid_time: z.number().int().min(0).optional().describe("Seconds the package lists stay fresh: apt-get update runs only when they are older. Implies update_cache."),
    purge: z.boolean().default(false).describe("state=absent: remove configuration files too (also of packages already removed)."),
    install_recommends: z
      .boolean()
      .default(false)
      .describe("Install recommended packages too. Default false whatever the host's apt configuration says (Ansible follows it), so every host gets exactly the packages named and their dependencies."),
    // "" is none, as Ansible's apt reads it (roles default it to "": geerlingguy.nginx).
    default_release: z
      .string()
      .optional()
      .transform((r) => (r === "" ? undefined : r))
      .describe('apt-get -t: prefer versions from this release (e.g. bookworm-backports); "" is none.'),
    allow_downgrade: z.boolean().default(false).describe("Allow a pinned version older than the installed one."),
    allow_unauthenticated: z.boolean().default(false).describe("Install packages whose repository is not signed (apt-get --allow-unauthenticated)."),
    allow_change_held_packages: z.boolean().default(false).describe("Allow changing packages held with apt-mark hold."),
    dpkg_options: z.string().default("force-confdef,force-confold").describe("dpkg options, comma-separated, each passed as -o Dpkg::Options::=--OPTION."),
    lock_timeout: z.number().int().min(0).default(60).describe("Seconds to wait for another apt or dpkg run's lock before failing."),
    update_cache_retries: z.number().int().min(0).default(5).describe("Further attempts when apt-get update fails to download."),
    update_cache_timeout: UpdateCacheTimeout,
    policy_rc_d: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .describe("During the apt-get run, /usr/sbin/policy-rc.d exits with this code (101: the packages' services are not started); what was there is put back afterwards."),
  })
  .refine((a) => (a.name?.length ?? 0) > 0 || a.deb !== undefined || a.update_cache === true || a.cache_valid_time !== undefined, {
    message: "give name, deb, or update_cache / cache_valid_time",
  })
  .refine((a) => a.deb === undefined || a.name === undefined, { message: "deb and name are mutually exclusive", path: ["deb"] })
  .refine((a) => a.deb === undefined || a.state === "present", { message: "deb only supports state=present", path: ["deb"] })
  .superRefine((a, ctx) => {
    for (const n of a.name ?? []) {
      try {
        const s = parseSpec(n);
        if (s.version && a.state === "latest") ctx.addIssue({ code: "custom", path: ["name"], message: `${n}: a version pin contradicts state=latest` });
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["name"], message: err instanceof Error ? err.message : String(err) });
      }
    }
  });

type AptArgs = z.output<typeof AptArgs>;

export interface AptState {
  specs: PkgSpec[];
  /** The .deb files of `deb`, as probed. */
  debs?: DebInfo[];
  /** Why `apt-get update` must run first; undefined when it need not. */
  stale?: string;
  cache?: CacheState;
  dpkg: PkgStatus[];
  plan: Plan;
  /** apt-get -s's view of the transaction (check mode and --diff only). */
  sim?: SimStep[];
}

export interface AptResult {
  cache_updated: boolean;
  /** Epoch seconds of the update, when one ran. */
  cache_update_time?: number;
  /** What was done (or, in check mode, would be done), per named package. */
  actions: PkgAction[];
  /** Named packages that were installed as dependencies and are now marked manually installed. */
  marked_manual?: string[];
  /** Installed version of each named package afterwards; null when not installed. */
  packages: Record<string, string | null>;
  stdout?: string;
  stderr?: string;
}

const SECTION = "@@dcv-apt ";

const sections = (text: string) => markedSections(text, SECTION);

const wantsUpdate = (a: AptArgs) => a.update_cache ?? a.cache_valid_time !== undefined;

/** dpkg-query for the named packages, plus which of them installed packages provide (virtuals). */
function statusScript(specs: PkgSpec[]): string {
  const names = [...new Set(specs.map((s) => (s.arch ? `${s.name}:${s.arch}` : s.name)))];
  const bare = [...new Set(specs.map((s) => s.name))].join(" ");
  return `echo '${SECTION}dpkg'
dpkg-query -W -f='${DPKG_FORMAT}' ${shellJoin(names)} 2>/dev/null
echo '${SECTION}provides'
dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Package}\\t\${Provides}\\n' 2>/dev/null | awk -F'\\t' -v want=${shellQuote(bare)} '
BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) W[w[i]] = 1 }
$1 ~ /^[ih]i/ && $3 != "" { m = split($3, p, /, */); for (i = 1; i <= m; i++) { sub(/ .*/, "", p[i]); sub(/:.*/, "", p[i]); if (p[i] in W) print p[i] } }'
echo '${SECTION}auto'
${AUTO_SCRIPT(bare)}`;
}

/** Which of the named packages apt marks automatically installed: its extended_states, read without apt-mark's cache load. */
const AUTO_SCRIPT = (bare: string) => `awk -v want=${shellQuote(bare)} '
BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) W[w[i]] = 1 }
/^Package:/ { p = $2 } /^Auto-Installed: *1/ && (p in W) { print p }' /var/lib/apt/extended_states 2>/dev/null || true`;

function releaseOpt(a: AptArgs): string {
  return a.default_release ? ` -o APT::Default-Release=${shellQuote(a.default_release)}` : "";
}

function policyScript(a: AptArgs, specs: PkgSpec[]): string {
  return `echo '${SECTION}policy'\napt-cache${releaseOpt(a)} policy ${shellJoin(specs.map((s) => (s.arch ? `${s.name}:${s.arch}` : s.name)))}`;
}

/** apt-get's options for a real or simulated transaction (exported for its unit test). */
export function aptGetOptions(a: AptArgs): string {
  const dpkg = a.dpkg_options
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => ` -o Dpkg::Options::=${shellQuote(`--${o.replace(/^--/, "")}`)}`)
    .join("");
  return (
    `-q -y -o DPkg::Lock::Timeout=${a.lock_timeout}${dpkg} -o APT::Install-Recommends=${a.install_recommends ? "true" : "false"}` +
    `${releaseOpt(a)}${a.allow_downgrade ? " --allow-downgrades" : ""}${a.allow_unauthenticated ? " --allow-unauthenticated" : ""}${a.allow_change_held_packages ? " --allow-change-held-packages" : ""}`
  );
}

/** `apt-get install` of .deb files (their paths follow). */
const debInstall = (a: AptArgs, simulate: boolean) => `apt-get${simulate ? " -s" : ""} ${aptGetOptions(a)} install`;

function transaction(a: AptArgs, plan: Plan, simulate: boolean): string {
  const sim = simulate ? " -s" : "";
  if (plan.install.length) return `apt-get${sim} ${aptGetOptions(a)} install ${shellJoin(plan.install)}`;
  return `apt-get${sim} ${aptGetOptions(a)} ${a.purge ? "purge" : "remove"} ${shellJoin(plan.remove)}`;
}

const ENV = "export DEBIAN_FRONTEND=noninteractive APT_LISTCHANGES_FRONTEND=none NEEDRESTART_MODE=a";

interface Probed {
  dpkg: PkgStatus[];
  provided: Set<string>;
  cache?: CacheState;
  plan: Plan;
}

/** One round trip: cache age (when an update may be due), package status, policy for latest. */
async function probeOnce(ctx: ModuleContext, a: AptArgs, specs: PkgSpec[], withCache: boolean): Promise<Probed> {
  const parts: string[] = [];
  if (withCache) parts.push(`echo '${SECTION}cache'`, CACHE_PROBE);
  if (specs.length) parts.push(statusScript(specs));
  if (specs.length && a.state === "latest") parts.push(policyScript(a, specs));
  const r = await ctx.sh.run(parts.join("\n"));
  const s = sections(r.stdout);
  if (a.state === "latest" && specs.length && !s.has("policy")) throw new ModuleError(`cannot read apt's package policy: ${r.stderr.trim()}`);
  const dpkg = parseDpkgQuery(s.get("dpkg") ?? "");
  const provided = new Set((s.get("provides") ?? "").split("\n").filter(Boolean));
  const policy = a.state === "latest" ? parsePolicy(s.get("policy") ?? "") : undefined;
  const auto = new Set((s.get("auto") ?? "").split("\n").filter(Boolean));
  const plan = planPackages({ specs, state: a.state, purge: a.purge, dpkg, provided, auto, ...(policy ? { policy } : {}) });
  return { dpkg, provided, plan, ...(withCache ? { cache: parseCacheLine(s.get("cache") ?? "") } : {}) };
}

function installedVersions(specs: PkgSpec[], dpkg: PkgStatus[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const s of specs) out[s.name] = dpkg.find((p) => p.name === s.name && p.status === "installed" && (!s.arch || p.arch === s.arch || p.arch === "all"))?.version ?? null;
  return out;
}

/** deb=: the files' packages against what is installed (downloading a URL on the host first). */
async function probeDebs(ctx: ModuleContext, a: AptArgs & { deb: string }): Promise<AptState> {
  let cache: CacheState | undefined;
  if (wantsUpdate(a)) cache = parseCacheLine((await ctx.sh.run(CACHE_PROBE)).stdout);
  const stale = cache ? cacheStaleReason(cache, a.cache_valid_time) : undefined;
  const stdin = debProbeStdin(a.deb);
  const simulate = ctx.check || ctx.wantDiff ? debInstall(a, true) : undefined;
  const r = await ctx.sh.run(`${ENV}\n${debProbeScript(a.deb, simulate)}`, stdin !== undefined ? { stdin } : {});
  const err = r.stderr.trim();
  if (r.rc === 5 || r.rc === 6) throw new ModuleError(`cannot download ${redactUrl(a.deb)}: ${err.split("\n").reverse().join("; ")}`, r);
  if (r.rc === 7) throw new ModuleError(err, r);
  const { debs, sim } = parseDebProbe(r.stdout);
  // With an update still to come, the stale lists may not know a dependency yet.
  if (r.rc === 8 && !stale) throw new ModuleError(`apt-get cannot install ${redactUrl(a.deb)}: ${aptErrors(`${sim ?? ""}\n${r.stderr}`)}`, r);
  if (r.rc !== 0 && r.rc !== 8) throw new ModuleError(`cannot inspect ${redactUrl(a.deb)}: ${err}`, r);
  const missing = debs.filter((d) => d.missing).map((d) => d.source);
  if (missing.length > 0 && !ctx.check) throw new ModuleError(`deb ${missing.join(", ")} does not exist on the host`);
  const found = debs.filter((d) => !d.missing);
  return {
    specs: found.map((d) => ({ raw: d.name, name: d.name, ...(d.arch !== "all" ? { arch: d.arch } : {}) })),
    debs,
    dpkg: found.flatMap((d) => (d.installed ? [{ name: d.name, arch: d.arch, status: "installed", want: "install", version: d.installed }] : [])),
    plan: planDebs(debs, a.allow_downgrade),
    ...(cache ? { cache } : {}),
    ...(stale ? { stale } : {}),
    ...(sim !== undefined && r.rc === 0 ? { sim: parseSimulation(sim) } : {}),
  };
}

/** The transaction's script, run with policy_rc_d's policy in place when one is given. */
const policy = (a: AptArgs, script: string) => (a.policy_rc_d === undefined ? script : withPolicyRcD(script, a.policy_rc_d));

const hasWork = (p: Plan) => p.install.length > 0 || p.remove.length > 0;

export const apt = defineModule({
  name: "apt",
  args: AptArgs,
  doc: {
    summary: "Debian packages installed, upgraded or removed in one apt-get transaction per task; the package lists updated first when asked (or when older than cache_valid_time).",
    example: 'await h.apt({ name: ["nginx", "php8.2-fpm"], state: "present", cache_valid_time: 3600 });',
    check: "Supported: reports what would change, dependencies included (apt-get's simulation). A .deb file on the host that is not there yet (an earlier task would put it there) is not an error in check mode.",
    diff: "The packages with their versions before and after, dependencies pulled in or removed included (from apt-get's simulation).",
    liveWhen: "deb is given (the .deb is unpacked, or downloaded, to be read)",
  },
  // A .deb is unpacked to a temporary directory (and a URL downloaded) to be read.
  probeScope: (a) => (a.deb !== undefined ? "live" : "host"),
  async probe(ctx, a): Promise<AptState> {
    if (a.deb !== undefined) return probeDebs(ctx, { ...a, deb: a.deb });
    const specs = (a.name ?? []).map(parseSpec);
    const p = await probeOnce(ctx, a, specs, wantsUpdate(a));
    const stale = p.cache ? cacheStaleReason(p.cache, a.cache_valid_time) : undefined;
    const state: AptState = { specs, dpkg: p.dpkg, plan: p.plan, ...(p.cache ? { cache: p.cache } : {}), ...(stale ? { stale } : {}) };
    if (hasWork(p.plan) && (ctx.check || ctx.wantDiff)) {
      // Read-only: apt-get -s takes no lock and shows the dependencies the transaction pulls in.
      const r = await ctx.sh.run(`${ENV}\n${transaction(a, p.plan, true)}`);
      if (r.rc === 0) state.sim = parseSimulation(r.stdout);
      // With an update still to come, the stale lists may not know the package yet.
      else if (!stale) throw new ModuleError(`apt-get cannot do this: ${aptErrors(`${r.stdout}\n${r.stderr}`)}`, r);
    }
    return state;
  },
  diff(a, st): Change | undefined {
    const parts: string[] = [];
    if (st.stale) parts.push(`update cache (${st.stale})`);
    if (hasWork(st.plan)) parts.push(summarize(st.plan.actions, st.sim));
    if (st.plan.markManual.length) parts.push(`mark ${st.plan.markManual.join(", ")} manually installed (installed as dependencies)`);
    if (!parts.length) return undefined;
    const diffs = hasWork(st.plan) ? [{ label: "packages", ...packagesDiff(st.plan.actions, st.sim) }] : [];
    return { summary: parts.join("; "), diffs };
  },
  async apply(ctx, a, st): Promise<AptResult> {
    let plan = st.plan;
    let updated: { stdout: string; time: number } | undefined;
    if (st.stale) {
      updated = await updateCache(ctx.sh, { lockTimeout: a.lock_timeout, retries: a.update_cache_retries, attemptTimeout: a.update_cache_timeout });
      // Fresh lists can bring new candidates: what "latest" means is decided again.
      if (a.state === "latest" && st.specs.length) plan = (await probeOnce(ctx, a, st.specs, false)).plan;
    }
    const result: AptResult = {
      cache_updated: updated !== undefined,
      ...(updated ? { cache_update_time: updated.time } : {}),
      actions: plan.actions,
      packages: installedVersions(st.specs, st.dpkg),
    };
    if (plan.markManual.length) {
      const m = await ctx.sh.run(`apt-mark manual ${shellJoin(plan.markManual)}`);
      if (m.rc !== 0) throw new ModuleError(`apt-mark manual ${plan.markManual.join(" ")} failed: ${m.stderr.trim()}`, m);
      result.marked_manual = plan.markManual;
    }
    if (!hasWork(plan)) return result;
    const names = [...new Set(st.specs.map((s) => (s.arch ? `${s.name}:${s.arch}` : s.name)))];
    const after = `echo '${SECTION}after'\ndpkg-query -W -f='${DPKG_FORMAT}' ${shellJoin(names)} 2>/dev/null\nexit $rc`;
    let r: CommandResult;
    if (a.deb !== undefined) {
      const { script, stdin } = debInstallScript(a.deb, st.debs ?? [], debInstall(a, false), plan);
      r = await ctx.sh.run(`${ENV}\n${policy(a, `${script}\n${after}`)}`, stdin !== undefined ? { stdin } : {});
      if (r.rc === 6 || r.rc === 9) throw new ModuleError(`cannot download ${redactUrl(a.deb)}: ${r.stderr.trim()}`, r);
    } else {
      r = await ctx.sh.run(`${ENV}\n${policy(a, `${transaction(a, plan, false)}\nrc=$?\n${after}`)}`);
    }
    const s = sections(r.stdout);
    const stdout = s.get("") ?? "";
    if (r.rc === 10 && a.policy_rc_d !== undefined) throw new ModuleError(`policy_rc_d: ${r.stderr.trim()}`, r);
    if (r.rc !== 0) throw new ModuleError(`apt-get failed (rc ${r.rc}): ${aptErrors(`${stdout}\n${r.stderr}`)}`, { rc: r.rc, stdout, stderr: r.stderr });
    return { ...result, packages: installedVersions(st.specs, parseDpkgQuery(s.get("after") ?? "")), stdout, stderr: r.stderr };
  },
  unchanged(_a, st): AptResult {
    return { cache_updated: false, actions: st.plan.actions, packages: installedVersions(st.specs, st.dpkg) };
  },
});
