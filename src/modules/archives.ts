import { createHash } from "node:crypto";
import { basename } from "node:path";
import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { stateBaseLine } from "../remote/state-file.js";
import { SEP, parseSections } from "./account-state.js";
import { AbsPath, Mode, Owner } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { curlConfig } from "./curl-config.js";
import { DOWNLOAD_URL, redactUrl, urlFileName } from "./downloads.js";

// unarchive, with idempotence by a marker file instead of Ansible's per-member comparison:
// after unpacking, a marker in do-converge's state directory on the host (one per dest and
// archive name) records the archive's sha256 on its first line and, one per line, the paths the
// archive put into dest. The probe (one round trip) compares the sha256 and checks that those
// paths still exist with the wanted owner, group and mode. So: a new or changed archive is
// unpacked; an unchanged one is neither copied nor unpacked; deleted members bring a re-unpack;
// wrong owner/group/mode are fixed in place. Not detected: a member's content edited by hand
// (Ansible's tar --diff would see it).
// The marker stays out of dest: dest is the operator's tree (a web root serves whatever is in
// it, a later copy or checksum of the tree would carry it), and Ansible leaves nothing there.
// With remote_src, src may be a URL, as in Ansible: the host downloads it (curl) on every run,
// for its sha256 (the probe) and again to unpack it (apply), the two checked to be the same bytes.

export type ArchiveFormat = "tar" | "tar.gz" | "tar.xz" | "tar.bz2" | "zip";

/** The format by the archive's file name, as the operator named it. */
export function archiveFormat(name: string): ArchiveFormat | undefined {
  const n = name.toLowerCase();
  if (/\.(tar\.gz|tgz)$/.test(n)) return "tar.gz";
  if (/\.(tar\.xz|txz)$/.test(n)) return "tar.xz";
  if (/\.(tar\.bz2|tbz2?)$/.test(n)) return "tar.bz2";
  if (n.endsWith(".tar")) return "tar";
  if (n.endsWith(".zip")) return "zip";
  return undefined;
}

/** A src the host downloads (with remote_src), as get_url takes a URL. */
const isUrl = (src: string) => DOWNLOAD_URL.test(src);

/** The archive's name: a path's last segment, or a URL's. */
const srcName = (src: string) => (isUrl(src) ? urlFileName(src) : basename(src));

/** curl's config (on stdin: a URL with credentials stays off the command line) for a URL src. */
const curlStdin = (args: Pick<Args, "src">) => (isUrl(args.src) ? { stdin: curlConfig({ url: args.src, timeout: 10 }) } : {});

/** Shell lines downloading the URL src into file "$1" of the script, failing with curl's message. */
const downloadLines = (args: Pick<Args, "src">, file: string) => [
  `command -v curl >/dev/null || { echo 'curl is not installed on the host: install the curl package first' >&2; exit 5; }`,
  `curl --config - --output ${file} || { echo ${shellQuote(`cannot download ${redactUrl(args.src)}`)} >&2; exit 6; }`,
];

/** The host command each format needs beyond tar, and the Debian package that has it. */
const TOOL: Partial<Record<ArchiveFormat, { cmd: string; pkg: string }>> = {
  "tar.xz": { cmd: "xz", pkg: "xz-utils" },
  "tar.bz2": { cmd: "bzip2", pkg: "bzip2" },
  zip: { cmd: "unzip", pkg: "unzip" },
};

/**
 * The paths (relative to dest) an archive listing puts into dest after stripping `strip`
 * leading components, in listing order without duplicates. Entries that strip to nothing, and
 * names tar would refuse (..), are left out. Pure.
 */
export function manifestFromListing(listing: string, strip: number): string[] {
  const out = new Set<string>();
  for (const line of listing.split("\n")) {
    const parts = line.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.length <= strip || parts.includes("..")) continue;
    out.add(parts.slice(strip).join("/"));
  }
  return [...out];
}

const Args = z
  .strictObject({
    src: z
      .string()
      .min(1)
      .describe("The archive (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2, .zip): a file of the site or role (files/), or with remote_src a path on the host or a URL the host downloads."),
    dest: AbsPath.describe("The directory to unpack into; it must exist."),
    remote_src: z.boolean().optional().describe("src is on the host (a path or a URL), not on the control node."),
    copy: z.boolean().optional().describe("Ansible's older spelling: copy: false is remote_src: true (not with remote_src)."),
    creates: AbsPath.optional().describe("Nothing is done when this path exists."),
    strip_components: z.number().int().min(0).default(0).describe("Drop this many leading path components of every member (tar --strip-components)."),
    owner: Owner.optional().describe("The owner of every unpacked path."),
    group: Owner.optional().describe("The group of every unpacked path."),
    mode: Mode.optional().describe("The mode of the unpacked regular files (directories keep the archive's modes)."),
    extra_opts: z
      .union([z.array(z.string()), z.string()])
      .transform((o) => (typeof o === "string" ? o.split(",").map((x) => x.trim()).filter(Boolean) : o))
      .default([])
      .describe('Further tar or unzip options, one per element (["--transform", "s/^app-1.0/app/"]); a string is split at commas.'),
  })
  .refine((a) => a.copy === undefined || a.remote_src === undefined, { message: "copy and remote_src are mutually exclusive (copy: false is remote_src: true)", path: ["copy"] })
  .transform(({ copy, ...a }) => ({ ...a, remote_src: a.remote_src ?? (copy === undefined ? false : !copy) }))
  .refine((a) => archiveFormat(srcName(a.src)) !== undefined, {
    message: "cannot tell the archive format from its name: expected .tar.gz, .tgz, .tar.xz, .txz, .tar.bz2, .tbz2, .tar or .zip",
    path: ["src"],
  })
  .refine((a) => !a.remote_src || a.src.startsWith("/") || isUrl(a.src), { message: "with remote_src, src must be an absolute path on the host or an http://, https:// or ftp:// URL", path: ["src"] })
  .refine((a) => a.remote_src || !isUrl(a.src), { message: "a URL as src needs remote_src: true (the host downloads it)", path: ["src"] });
type Args = z.output<typeof Args>;

export interface UnarchiveState {
  /** Why nothing is to be done before looking further (creates exists), if so. */
  skip?: string;
  destMissing: boolean;
  srcMissing: boolean;
  /** sha256 of the archive (computed on the control node, or on the host for remote_src). */
  sha256: string;
  /** The archive bytes when they come from the control node. */
  content?: Buffer;
  /** The marker's sha256, members recorded, members present, and present with wrong attributes. */
  marker?: { sha256: string; members: number; present: number; wrongAttrs: number };
}

export interface UnarchiveResult {
  src: string;
  dest: string;
  sha256: string;
  /** Members recorded in the marker (paths under dest). */
  files?: number;
  msg: string;
}

/**
 * What the marker's first line records: the archive's sha256, and with extra_opts a digest of them
 * too, so that other options (another --transform) unpack again.
 */
export function markerId(args: Pick<Args, "extra_opts">, sha256: string): string {
  if (args.extra_opts.length === 0) return sha256;
  return `${sha256} opts:${createHash("sha256").update(JSON.stringify(args.extra_opts)).digest("hex").slice(0, 16)}`;
}

/**
 * The marker's path below the state directory: one per dest and archive name, as the marker
 * used to be one per archive name inside dest.
 */
export function markerRel(args: Pick<Args, "dest" | "src">): string {
  const key = `${args.dest.replace(/(.)\/+$/, "$1")}\0${srcName(args.src)}`;
  return `unarchive/${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** Where earlier versions kept the marker, inside dest: removed when a new marker is written. */
const legacyMarker = (args: Pick<Args, "dest" | "src">) => `${args.dest.replace(/\/+$/, "")}/.do-converge-unarchive-${srcName(args.src)}`;

/** Shell lines setting `m` to the marker's path on the host. */
const markerLines = (sh: RemoteShell, stateDir: string | undefined, args: Args) => [stateBaseLine(sh, stateDir), `m="$b"/${shellQuote(markerRel(args))}`];

/** find -printf over the marker's members; awk counts them and those with wrong attributes. */
function memberCheck(args: Args, list: string): string {
  const mode = args.mode ? Number.parseInt(args.mode, 8).toString(8) : "";
  return [
    `${list} | sed 's#^#./#' | tr '\\n' '\\0'`,
    `| xargs -0 -r sh -c 'exec find "$@" -maxdepth 0 -printf "%u %g %m %y\\n"' sh 2>/dev/null`,
    `| awk -v o=${shellQuote(args.owner ?? "")} -v g=${shellQuote(args.group ?? "")} -v m=${shellQuote(mode)}`,
    ` '{ n++; if ((o != "" && $1 != o) || (g != "" && $2 != g) || (m != "" && $4 == "f" && $3 != m)) bad++ } END { printf "%d${SEP}%d\\n", n, bad }'`,
  ].join(" ");
}

function probeScript(args: Args, marker: readonly string[]): string {
  const S = SEP;
  return [
    ...(args.creates ? [`[ -e ${shellQuote(args.creates)} ] && { echo created; exit 0; }`] : []),
    `d=${shellQuote(args.dest)}`,
    ...marker,
    `[ -d "$d" ] || echo nodest`,
    ...(args.remote_src && isUrl(args.src)
      ? [
          `s=$(mktemp "\${TMPDIR:-/tmp}/.dcv-unarchive-url.XXXXXXXX")`,
          `trap 'rm -f "$s"' EXIT`,
          ...downloadLines(args, '"$s"'),
          `printf 'src${S}%s\\n' "$(sha256sum < "$s" | cut -d' ' -f1)"`,
        ]
      : args.remote_src
        ? [`s=${shellQuote(args.src)}`, `if [ -f "$s" ]; then printf 'src${S}%s\\n' "$(sha256sum < "$s" | cut -d' ' -f1)"; else echo nosrc; fi`]
        : []),
    `[ -f "$m" ] || exit 0`,
    `cd "$d"`,
    `printf 'marker${S}%s${S}%s${S}%s\\n' "$(head -n 1 "$m")" "$(tail -n +2 "$m" | wc -l)" "$(${memberCheck(args, `tail -n +2 "$m"`)})"`,
  ].join("\n");
}

function parseProbe(stdout: string, args: Args, content: Buffer | undefined): UnarchiveState {
  const s = parseSections(stdout);
  const m = s.get("marker")?.[0];
  const sha256 = content ? createHash("sha256").update(content).digest("hex") : (s.get("src")?.[0]?.[0] ?? "");
  return {
    ...(s.has("created") ? { skip: `skipped, since ${args.creates} exists` } : {}),
    destMissing: s.has("nodest"),
    srcMissing: s.has("nosrc"),
    sha256,
    ...(content ? { content } : {}),
    ...(m ? { marker: { sha256: m[0] ?? "", members: Number(m[1] ?? 0), present: Number(m[2] ?? 0), wrongAttrs: Number(m[3] ?? 0) } } : {}),
  };
}

type Work = "unpack" | "attrs" | undefined;

function work(args: Args, st: UnarchiveState): { what: Work; why: string } {
  const m = st.marker;
  if (!m) return { what: "unpack", why: "not unpacked yet" };
  if (m.sha256 !== markerId(args, st.sha256)) return { what: "unpack", why: m.sha256.startsWith(st.sha256) ? "extra_opts changed" : "the archive changed" };
  if (m.present < m.members) return { what: "unpack", why: `${m.members - m.present} unpacked path(s) missing` };
  if (m.wrongAttrs > 0) return { what: "attrs", why: `owner/group/mode of ${m.wrongAttrs} path(s)` };
  return { what: undefined, why: "" };
}

/** Unpacks (one round trip: archive on stdin or on the host) and prints its sha256 and listing. */
function unpackScript(args: Args, format: ArchiveFormat, expectSha: string): string {
  const tool = TOOL[format];
  const strip = args.strip_components;
  const lines = [
    "set -e",
    `d=${shellQuote(args.dest)}`,
    `[ -d "$d" ] || { printf '%s is not a directory (create it first)\\n' "$d" >&2; exit 5; }`,
    ...(tool ? [`command -v ${tool.cmd} >/dev/null || { echo '${tool.cmd} is not installed on the host: install the ${tool.pkg} package first' >&2; exit 5; }`] : []),
    `w=$(mktemp -d "\${TMPDIR:-/tmp}/.dcv-unarchive.XXXXXXXX")`,
    `trap 'rm -rf "$w"' EXIT`,
    ...(args.remote_src && isUrl(args.src) ? ['a="$w/archive"', ...downloadLines(args, '"$a"')] : args.remote_src ? [`a=${shellQuote(args.src)}`] : ['a="$w/archive"', 'cat > "$a"']),
    `sha=$(sha256sum < "$a" | cut -d' ' -f1)`,
    ...(!args.remote_src ? [`[ "$sha" = ${expectSha} ] || { echo 'the archive was corrupted in transfer' >&2; exit 5; }`] : []),
    ...(args.remote_src && isUrl(args.src) ? [`[ "$sha" = ${expectSha} ] || { echo ${shellQuote(`${redactUrl(args.src)} changed between the check and the download`)} >&2; exit 5; }`] : []),
  ];
  // As Ansible passes them: unzip's before the archive; tar's after --show-transformed-names, in
  // the listing too, so that --strip-components or --transform name what lands in dest.
  const opts = args.extra_opts.map((o) => ` ${shellQuote(o)}`).join("");
  if (format === "zip") {
    lines.push(`unzip -Z1 "$a" > "$w/list"`);
    if (strip === 0) lines.push(`unzip -o -q${opts} "$a" -d "$d"`);
    else {
      // unzip cannot strip components: unpack aside, then copy each path at depth N+1 into dest.
      lines.push(`mkdir "$w/x"`, `unzip -o -q${opts} "$a" -d "$w/x"`, `(cd "$w/x" && find . -mindepth ${strip + 1} -maxdepth ${strip + 1} -exec cp -a -- {} "$d"/ \\;)`);
    }
  } else {
    const shown = opts ? ` --show-transformed-names${opts}` : "";
    lines.push(`tar --quoting-style=literal -t${shown} -f "$a" > "$w/list"`, `tar -x -C "$d"${strip ? ` --strip-components=${strip}` : ""}${shown} -f "$a"`);
  }
  lines.push(`printf 'sha${SEP}%s\\n' "$sha"`, "echo --list--", `cat "$w/list"`);
  return lines.join("\n");
}

/**
 * Sets owner/group/mode over a member list, then renames the new marker into place (stdin). With
 * `onlyExisting`, members that are not in dest are left out of the marker: unzip's options may
 * skip or rename members (-x, -j), and a member the options never put there must not look
 * deleted on every run.
 */
function finishScript(args: Args, marker: readonly string[], newMarker: boolean, onlyExisting = false): string {
  const members = (list: string) => `${list} | sed 's#^#./#' | tr '\\n' '\\0'`;
  const list = newMarker ? `tail -n +2 "$t"` : `tail -n +2 "$m"`;
  const lines = ["set -e", ...marker, `cd ${shellQuote(args.dest)}`];
  if (newMarker) {
    const keep = onlyExisting ? ` | { IFS= read -r id; printf '%s\\n' "$id"; while IFS= read -r p; do if [ -e "./$p" ] || [ -L "./$p" ]; then printf '%s\\n' "$p"; fi; done; }` : "";
    lines.push(
      // As writeStateFile makes a state file's directory: the user's own.
      `[ -d "\${m%/*}" ] || { mkdir -p -- "\${m%/*}" && chmod 0700 -- "\${m%/*}"; }`,
      `t=$(mktemp "$m.XXXXXXXX")`,
      `trap 'rm -f "$t"' EXIT`,
      `cat${keep} > "$t"`,
      `chmod 0600 "$t"`,
    );
  }
  if (args.owner || args.group) lines.push(`${members(list)} | xargs -0 -r chown -h ${shellQuote(`${args.owner ?? ""}${args.group ? `:${args.group}` : ""}`)} --`);
  if (args.mode) lines.push(`${members(list)} | xargs -0 -r sh -c 'exec find "$@" -maxdepth 0 -type f -exec chmod ${args.mode} {} +' sh`);
  if (newMarker) lines.push(`mv -fT -- "$t" "$m"`, "trap - EXIT", `rm -f -- ${shellQuote(legacyMarker(args))}`);
  return lines.join("\n");
}

export const unarchive = defineModule({
  name: "unarchive",
  args: Args,
  doc: {
    summary:
      "An archive unpacked into a directory, again only when the archive changed or a path it put there is gone (a marker in the state directory records its checksum and paths); owner, group and mode fixed in place. A member's content edited by hand is not noticed.",
    example: 'await h.unarchive({ src: "https://wordpress.org/wordpress-6.5.tar.gz", remote_src: true, dest: "/var/www/html", strip_components: 1, owner: "www-data", group: "www-data" });',
    check: "Supported: reports what would change. A dest or a src on the host that is not there yet is taken, in check mode, to come from an earlier task (reported as a change); in a normal run it fails the task.",
    liveWhen: "remote_src is true and src is a URL (the probe downloads the archive every time, for its checksum)",
  },
  // A URL is downloaded by the probe itself, every time.
  probeScope: (a) => (a.remote_src && isUrl(a.src) ? "live" : "host"),
  async probe(ctx: ModuleContext, args) {
    const content = args.remote_src ? undefined : ctx.readControlFile(args.src);
    const r = await ctx.sh.run(probeScript(args, markerLines(ctx.sh, ctx.stateDir, args)), curlStdin(args));
    if (r.rc !== 0) throw new ModuleError(`cannot inspect ${args.dest}: ${r.stderr.trim()}`, r);
    return parseProbe(r.stdout, args, content);
  },
  diff(args, st, ctx): Change | undefined {
    if (st.skip) return undefined;
    // In check mode dest or src may come from earlier tasks that did not run.
    if (st.destMissing) {
      if (ctx.check) return { summary: `unpack ${srcName(args.src)} (${args.dest} does not exist yet)` };
      throw new ModuleError(`dest ${args.dest} is not a directory (create it first)`);
    }
    if (st.srcMissing) {
      if (ctx.check) return { summary: `unpack ${args.src} (not on the host yet)` };
      throw new ModuleError(`src ${args.src} does not exist on the host`);
    }
    const { what, why } = work(args, st);
    if (!what) return undefined;
    return { summary: what === "unpack" ? `unpack ${srcName(args.src)}: ${why}` : why };
  },
  async apply(ctx, args, st): Promise<UnarchiveResult> {
    const { what } = work(args, st);
    const base = { src: args.src, dest: args.dest, sha256: st.sha256 };
    if (what === "attrs") {
      const r = await ctx.sh.run(finishScript(args, markerLines(ctx.sh, ctx.stateDir, args), false));
      if (r.rc !== 0) throw new ModuleError(`${args.dest}: ${r.stderr.trim()}`, r);
      return { ...base, files: st.marker?.members ?? 0, msg: "attributes fixed" };
    }
    const format = archiveFormat(srcName(args.src)) ?? "tar";
    // The script checks the archive's sha256 before unpacking: it may take it as it streams in.
    const r = await ctx.sh.run(unpackScript(args, format, st.sha256), st.content ? { stdin: st.content, streamStdin: true } : curlStdin(args));
    if (r.rc !== 0) throw new ModuleError(`cannot unpack ${args.src} into ${args.dest}: ${r.stderr.trim()}`, r);
    const cut = r.stdout.indexOf("--list--\n");
    const sha256 = parseSections(r.stdout.slice(0, cut)).get("sha")?.[0]?.[0] ?? st.sha256;
    const members = manifestFromListing(r.stdout.slice(cut + "--list--\n".length), args.strip_components);
    const onlyExisting = format === "zip" && args.extra_opts.length > 0;
    const fin = await ctx.sh.run(finishScript(args, markerLines(ctx.sh, ctx.stateDir, args), true, onlyExisting), { stdin: `${markerId(args, sha256)}\n${members.map((p) => `${p}\n`).join("")}` });
    if (fin.rc !== 0) throw new ModuleError(`${args.dest}: ${fin.stderr.trim()}`, fin);
    return { ...base, sha256, files: members.length, msg: `unpacked ${members.length} path(s)` };
  },
  unchanged(args, st): UnarchiveResult {
    return {
      src: args.src,
      dest: args.dest,
      sha256: st.sha256,
      ...(st.marker ? { files: st.marker.members } : {}),
      msg: st.skip ?? (st.marker ? "already unpacked" : "would unpack"),
    };
  },
});
