import { shellQuote } from "../remote/quote.js";
import { SEP } from "./account-state.js";
import type { PkgAction, Plan } from "./apt-plan.js";
import { ModuleError } from "./contract.js";
import { curlConfig } from "./curl-config.js";
import { redactUrl } from "./downloads.js";

// apt's deb: .deb files on the host (or one URL, downloaded on the host), as Ansible's apt
// installs them: a file is installed unless the package it holds is installed in that very version
// (compared by dpkg --compare-versions, on the package's name and architecture as dpkg-deb reads
// them); an older file than what is installed needs allow_downgrade. Installed by `apt-get install
// /path/x.deb`, which brings the missing dependencies in the same transaction (Ansible installs
// them first, then runs dpkg -i).

/** Ansible's deb: one URL, or one path or several (comma-separated) on the host. */
export function debSources(deb: string): { url?: string; files: string[] } {
  if (deb.includes("://")) return { url: deb, files: [] };
  return { files: deb.split(",").map((s) => s.trim()).filter(Boolean) };
}

/** Where a URL's download lands on the host, inside the script's private directory. */
const DOWNLOADED = '"$w/download.deb"';

/** One .deb as the probe found it. */
export interface DebInfo {
  /** The path, or the URL (without credentials), as the operator gave it. */
  source: string;
  /** The file is not on the host (maybe an earlier task, skipped by --check, puts it there). */
  missing: boolean;
  name: string;
  version: string;
  arch: string;
  /** The installed version of that package (same architecture, or all), if any. */
  installed?: string;
  /** How the file's version compares with the installed one. */
  cmp?: "eq" | "newer" | "older";
  /** sha256 of a downloaded file: the install must get the same bytes. */
  sha256?: string;
}

/**
 * The shell lines that download `url` (curl's config on stdin: no credentials on a command line)
 * into the private directory $w, failing with exit 6 and curl's message.
 */
function downloadLines(): string[] {
  return [
    `command -v curl >/dev/null || { echo 'curl is not installed on the host (needed to download deb)' >&2; exit 5; }`,
    `if ! code=$(curl --config - --output ${DOWNLOADED} --write-out '%{http_code}'); then [ "\${code:-000}" = 000 ] || printf 'HTTP status %s\\n' "$code" >&2; exit 6; fi`,
  ];
}

/** A private directory apt's _apt user may read (apt warns when it cannot), removed on exit. */
const WORKDIR = [`w=$(mktemp -d "\${TMPDIR:-/tmp}/.dcv-deb.XXXXXXXX")`, `trap 'rm -rf "$w"' EXIT`, `chmod 755 "$w"`];

/**
 * Read-only probe: per file, `deb<SEP>source<SEP>name<SEP>version<SEP>arch<SEP>installed<SEP>cmp<SEP>sha256`
 * (or `missing<SEP>source`); with `simulate`, then apt-get -s of installing them all.
 */
export function debProbeScript(deb: string, simulate: string | undefined): string {
  const { url, files } = debSources(deb);
  const S = SEP;
  const lines = ["set -e", ...WORKDIR];
  if (url) lines.push(...downloadLines());
  const paths = url ? [DOWNLOADED] : files.map(shellQuote);
  const sources = url ? [shellQuote(redactUrl(url))] : files.map(shellQuote);
  // The files to install gather in "$@": paths may hold spaces.
  lines.push("set --");
  paths.forEach((p, i) => {
    lines.push(
      `f=${p}; src=${sources[i] ?? "''"}`,
      `if [ ! -f "$f" ]; then printf 'missing${S}%s\\n' "$src"; else`,
      `  info=$(dpkg-deb --showformat='\${Package}${S}\${Version}${S}\${Architecture}' --show "$f") || { printf '%s is not a .deb package dpkg-deb can read\\n' "$src" >&2; exit 7; }`,
      `  pkg=\${info%%${S}*}; rest=\${info#*${S}}; ver=\${rest%%${S}*}; arch=\${rest#*${S}}`,
      `  iv=$(dpkg-query -W -f='\${db:Status-Abbrev}${S}\${Version}${S}\${Architecture}\\n' "$pkg" 2>/dev/null | awk -F'${S}' -v a="$arch" '$1 ~ /^.i/ && ($3 == a || a == "all" || $3 == "all") { print $2; exit }') || true`,
      `  cmp=''; if [ -n "$iv" ]; then if dpkg --compare-versions "$ver" eq "$iv"; then cmp=eq; elif dpkg --compare-versions "$ver" gt "$iv"; then cmp=newer; else cmp=older; fi; fi`,
      `  printf 'deb${S}%s${S}%s${S}%s${S}%s${S}%s${S}%s${S}%s\\n' "$src" "$pkg" "$ver" "$arch" "$iv" "$cmp" "$(sha256sum < "$f" | cut -d' ' -f1)"`,
      `  [ "$cmp" = eq ] || set -- "$@" "$f"`,
      "fi",
    );
  });
  if (simulate) {
    // The transaction apt would run, dependencies included (read-only: -s takes no lock).
    lines.push(`if [ $# -gt 0 ]; then echo '@@sim'; ${simulate} "$@" || exit 8; fi`);
  }
  return lines.join("\n");
}

/** Parses the probe's lines (up to the simulation, returned as is). Pure. */
export function parseDebProbe(stdout: string): { debs: DebInfo[]; sim?: string } {
  const [head = "", sim] = stdout.split("@@sim\n");
  const debs: DebInfo[] = [];
  for (const line of head.split("\n")) {
    const f = line.split(SEP);
    if (f[0] === "missing") debs.push({ source: f[1] ?? "", missing: true, name: "", version: "", arch: "" });
    if (f[0] !== "deb") continue;
    const [, source = "", name = "", version = "", arch = "", installed = "", cmp = "", sha256 = ""] = f;
    debs.push({
      source,
      missing: false,
      name,
      version,
      arch,
      ...(installed ? { installed } : {}),
      ...(cmp === "eq" || cmp === "newer" || cmp === "older" ? { cmp } : {}),
      ...(sha256 ? { sha256 } : {}),
    });
  }
  return { debs, ...(sim !== undefined ? { sim } : {}) };
}

/** The files to install and what that does; a downgrade without allow_downgrade is refused. Pure. */
export function planDebs(debs: readonly DebInfo[], allowDowngrade: boolean): Plan {
  const plan: Plan = { install: [], remove: [], actions: [], markManual: [] };
  for (const d of debs) {
    if (d.missing) {
      plan.install.push(d.source);
      plan.actions.push({ name: d.source, action: "install" });
      continue;
    }
    if (d.cmp === "eq") continue;
    if (d.cmp === "older" && !allowDowngrade) {
      throw new ModuleError(`${d.source}: a later version of ${d.name} is installed (${d.installed ?? "?"}); allow_downgrade: true installs ${d.version}`);
    }
    plan.install.push(d.source);
    const action: PkgAction["action"] = d.cmp === undefined ? "install" : d.cmp === "newer" ? "upgrade" : "change-version";
    plan.actions.push({ name: d.name, action, ...(d.installed ? { from: d.installed } : {}), to: d.version });
  }
  return plan;
}

/**
 * Downloads again (the same bytes, checked) when deb is a URL, then installs the files; the
 * script ends with apt-get's status in $rc, for the caller to append its own lines and `exit $rc`.
 */
export function debInstallScript(deb: string, debs: readonly DebInfo[], install: string, plan: Plan): { script: string; stdin?: string } {
  const { url } = debSources(deb);
  const lines = ["set -e", ...WORKDIR];
  let paths: string[];
  if (url) {
    const sha = debs[0]?.sha256 ?? "";
    lines.push(...downloadLines(), `[ "$(sha256sum < ${DOWNLOADED} | cut -d' ' -f1)" = ${shellQuote(sha)} ] || { echo 'the file at the URL changed since it was inspected: run again' >&2; exit 9; }`);
    paths = [DOWNLOADED];
  } else {
    paths = plan.install.map(shellQuote);
  }
  lines.push("set +e", `${install} ${paths.join(" ")}`, "rc=$?");
  return { script: lines.join("\n"), ...(url ? { stdin: curlConfig({ url, timeout: 30 }) } : {}) };
}

/** The download's stdin (curl's config) for a probe of a URL. */
export function debProbeStdin(deb: string): string | undefined {
  const { url } = debSources(deb);
  return url ? curlConfig({ url, timeout: 30 }) : undefined;
}
