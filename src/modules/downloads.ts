import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { SEP, parseSections } from "./account-state.js";
import { AbsPath, FileAttrs } from "./args.js";
import { type Change, ModuleError, defineModule } from "./contract.js";
import { curlConfig } from "./curl-config.js";
import { attrChanges, attrCommands, attrText, mergedAttrs } from "./file-attrs.js";
import type { FileState } from "../remote/files.js";

// get_url: curl on the host downloads into a temporary file beside dest, the checksum is
// verified there, and only then is it renamed over dest. Ansible's rules for when to download:
// dest missing; a checksum given that dest does not match; or force. An existing dest with a
// matching checksum, or any existing dest without checksum and force, costs no HTTP request.

const HEX_LENGTH = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 } as const;
type Algorithm = keyof typeof HEX_LENGTH;

export const Checksum = z
  .string()
  .regex(/^(md5|sha1|sha224|sha256|sha384|sha512):[0-9A-Fa-f]+$/, 'ALGORITHM:HEX, e.g. "sha256:9f86d0..." (md5, sha1, sha224, sha256, sha384, sha512)')
  .transform((s) => {
    const [algorithm, hex = ""] = s.split(":") as [Algorithm, string];
    return { algorithm, hex: hex.toLowerCase() };
  })
  .refine((c) => c.hex.length === HEX_LENGTH[c.algorithm], { message: "the hex digest has the wrong length for its algorithm" });

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "an HTTP header name");

/** A URL curl downloads on the host: get_url's url, unarchive's src with remote_src, apt_key's url. */
export const DOWNLOAD_URL = /^(https?|ftp):\/\/\S+$/i;

const Args = z.strictObject({
  url: z.string().regex(DOWNLOAD_URL, "an http://, https:// or ftp:// URL").describe("What the host downloads (http, https or ftp); a user:password in it is never shown."),
  dest: AbsPath.describe("The file, or an existing directory: then the file is named after the URL's last path segment."),
  checksum: Checksum.optional().describe('ALGORITHM:HEX (e.g. "sha256:9f86d0..."): the download must match it, and an existing dest that does not is downloaded again.'),
  force: z.boolean().default(false).describe("Download even when dest exists (it is replaced only when the content differs)."),
  timeout: z.number().int().positive().default(10).describe("Seconds to connect, and seconds a stalled transfer may last."),
  headers: z
    .record(HeaderName, z.string().regex(/^[^\r\n]*$/, "one line"))
    .optional()
    .describe("HTTP request headers, by name."),
  validate_certs: z.boolean().default(true).describe("false: the server's TLS certificate is not verified."),
  ...FileAttrs,
});
type Args = z.output<typeof Args>;

export interface GetUrlState {
  /** The file: dest, or dest/<name from the URL> when dest is a directory. */
  target: string;
  file: FileState;
  /** The target's digest in the checksum's algorithm, when a checksum and a file are there. */
  digest?: string;
}

export interface GetUrlResult {
  url: string;
  dest: string;
  /** sha256 of dest's content, when it exists. */
  sha256?: string;
  size?: number;
  /** HTTP status of the download, when one happened. */
  status_code?: number;
  msg: string;
  /** Whether dest changed: false after a forced download of the same bytes. */
  changed: boolean;
}

/** The URL without user:password, for messages and results. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@\s]*@/i, "$1***@");
}

/** The file name a URL gives (its last path segment, decoded), or "". */
export function urlFileName(url: string): string {
  try {
    const last = new URL(url).pathname.split("/").pop() ?? "";
    const name = decodeURIComponent(last);
    return name === "." || name === ".." || name.includes("/") ? "" : name;
  } catch {
    return "";
  }
}

const sumCommand = (a: Algorithm) => `${a}sum`;

function probeScript(args: Args): string {
  const S = SEP;
  const name = urlFileName(args.url);
  const digest = args.checksum && args.checksum.algorithm !== "sha256" ? sumCommand(args.checksum.algorithm) : "";
  return [
    `d=${shellQuote(args.dest)}; n=${shellQuote(name)}`,
    `if [ -d "$d" ]; then [ -n "$n" ] || { echo noname; exit 0; }; f="$d/$n"; else f="$d"; fi`,
    `printf 'target${S}%s\\n' "$f"`,
    `if [ -d "$f" ]; then t=directory; elif [ -f "$f" ]; then t=file; elif [ -e "$f" ]; then t=other; else echo absent; exit 0; fi`,
    `s=''; g=''`,
    `if [ $t = file ]; then s=$(sha256sum < "$f" | cut -d' ' -f1)${digest ? `; g=$(${digest} < "$f" | cut -d' ' -f1)` : ""}; fi`,
    `printf 'node${S}%s${S}%s${S}%s${S}%s\\n' "$t" "$(stat -L -c '%U${S}%G${S}%a${S}%s' "$f")" "$s" "$g"`,
  ].join("\n");
}

export function parseGetUrlProbe(stdout: string, args: Pick<Args, "dest" | "url">): GetUrlState {
  const s = parseSections(stdout);
  if (s.has("noname")) throw new ModuleError(`${args.dest} is a directory and ${redactUrl(args.url)} names no file: give dest as a file path`);
  const target = s.get("target")?.[0]?.[0] ?? args.dest;
  const n = s.get("node")?.[0];
  if (!n) return { target, file: { type: "absent", path: target } };
  const [type, owner = "", group = "", mode = "", size = "0", sha256 = "", digest = ""] = n;
  const file: FileState = { type: type === "file" || type === "directory" ? type : "other", path: target, owner, group, mode, size: Number(size), sha256, target: "" };
  return { target, file, ...(sha256 ? { digest: digest || sha256 } : {}) };
}

export function planGetUrl(args: Args, st: GetUrlState): Change | undefined {
  const f = st.file;
  if (f.type === "directory" || f.type === "other") throw new ModuleError(`${st.target} exists and is not a regular file`);
  const url = redactUrl(args.url);
  if (f.type === "absent") return { summary: `download ${url}`, diffs: [{ label: st.target, before: attrText("absent", {}), after: attrText("file", args) }] };
  if (args.force) return { summary: `download ${url} again (force)`, unpredictable: true };
  if (args.checksum && st.digest !== args.checksum.hex) return { summary: `download ${url} (${args.checksum.algorithm} differs)` };
  const attrs = attrChanges(f, args);
  if (attrs.length === 0) return undefined;
  return { summary: attrs.join(", "), diffs: [{ label: `${st.target} (attributes)`, before: attrText("file", mergedAttrs(f, {})), after: attrText("file", mergedAttrs(f, args)) }] };
}

/** One round trip: download to a temporary file beside dest, verify, compare, rename. */
function downloadScript(args: Args, target: string): string {
  const S = SEP;
  const c = args.checksum;
  const lines = [
    "set -e",
    `f=${shellQuote(target)}`,
    `command -v curl >/dev/null || { echo 'curl is not installed on the host' >&2; exit 5; }`,
    `tmp=$(mktemp "$(dirname "$f")/.dcv-get_url.XXXXXXXX")`,
    `trap 'rm -f "$tmp"' EXIT`,
    `if ! code=$(curl --config - --output "$tmp" --write-out '%{http_code}'); then [ "\${code:-000}" = 000 ] || printf 'HTTP status %s\\n' "$code" >&2; exit 6; fi`,
  ];
  if (c) {
    lines.push(
      `got=$(${sumCommand(c.algorithm)} < "$tmp" | cut -d' ' -f1)`,
      `if [ "$got" != ${c.hex} ]; then printf 'checksum mismatch: expected ${c.algorithm}:%s, the download has ${c.algorithm}:%s\\n' ${c.hex} "$got" >&2; exit 4; fi`,
    );
  }
  lines.push(
    `new=$(sha256sum < "$tmp" | cut -d' ' -f1)`,
    `same=0; if [ -f "$f" ] && [ "$(sha256sum < "$f" | cut -d' ' -f1)" = "$new" ]; then same=1; fi`,
    `if [ $same = 0 ]; then`,
    args.mode ? `  chmod -- ${shellQuote(args.mode)} "$tmp"` : `  if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; else chmod 0644 "$tmp"; fi`,
    `  if [ -e "$f" ]; then chown --reference="$f" "$tmp"; fi`,
    ...(args.owner || args.group ? [`  chown -- ${shellQuote(`${args.owner ?? ""}${args.group ? `:${args.group}` : ""}`)} "$tmp"`] : []),
    `  sync "$tmp" 2>/dev/null || true`,
    `  mv -fT -- "$tmp" "$f"; trap - EXIT`,
    "else",
    ...attrCommands(target, args).map((l) => `  ${l}`),
    "  :",
    "fi",
    `printf 'done${S}%s${S}%s${S}%s${S}%s\\n' "$same" "$code" "$new" "$(stat -c %s "$f")"`,
  );
  return lines.join("\n");
}

export const get_url = defineModule({
  name: "get_url",
  args: Args,
  doc: {
    summary:
      "A file downloaded by the host (curl) into a temporary file beside dest, its checksum verified, then renamed over dest. It downloads when dest is missing, when it does not match checksum, or with force; otherwise no request is made.",
    example:
      'await h.get_url({ url: "https://wordpress.org/wordpress-6.5.tar.gz", dest: "/opt/wordpress-6.5.tar.gz", checksum: "sha1:4b4a1e3b3d0c4dca27c8c05fbcd02c8ee6a8c4b8", mode: "0644" });',
    check: "Supported: reports what would change. With force the download's outcome cannot be known beforehand: in check mode the task is reported skipped.",
    diff: "A new file's or a changed file's owner, group and mode before and after (the downloaded content is not shown).",
  },
  async probe(ctx, args) {
    const r = await ctx.sh.run(probeScript(args));
    if (r.rc !== 0) throw new ModuleError(`cannot inspect ${args.dest}: ${r.stderr.trim()}`, r);
    return parseGetUrlProbe(r.stdout, args);
  },
  diff: (args, st) => planGetUrl(args, st),
  async apply(ctx, args, st): Promise<GetUrlResult> {
    const url = redactUrl(args.url);
    const download = st.file.type === "absent" || args.force || (args.checksum !== undefined && st.digest !== args.checksum.hex);
    if (!download) {
      const r = await ctx.sh.run(["set -e", ...attrCommands(st.target, args)].join("\n"));
      if (r.rc !== 0) throw new ModuleError(`${st.target}: ${r.stderr.trim()}`, r);
      return { url, dest: st.target, sha256: st.file.type === "file" ? st.file.sha256 : "", size: st.file.type === "file" ? st.file.size : 0, msg: "attributes changed", changed: true };
    }
    const config = curlConfig({ url: args.url, headers: args.headers, timeout: args.timeout, validateCerts: args.validate_certs });
    const r = await ctx.sh.run(downloadScript(args, st.target), { stdin: config });
    const err = r.stderr.trim();
    if (r.rc === 4) throw new ModuleError(`${url}: ${err}; ${st.target} left as it was`, r);
    if (r.rc === 6) throw new ModuleError(`cannot download ${url}: ${err.split("\n").reverse().join("; ")}`, r);
    if (r.rc !== 0) throw new ModuleError(`${st.target}: ${err}`, r);
    const [same = "0", code = "", sha256 = "", size = "0"] = parseSections(r.stdout).get("done")?.[0] ?? [];
    const attrsChanged = st.file.type !== "absent" && attrChanges(st.file, args).length > 0;
    const changed = same !== "1" || attrsChanged;
    return {
      url,
      dest: st.target,
      sha256,
      size: Number(size),
      ...(/^\d+$/.test(code) ? { status_code: Number(code) } : {}),
      msg: same === "1" ? "downloaded: same content as dest" : `OK (${size} bytes)`,
      changed,
    };
  },
  unchanged(args, st): GetUrlResult {
    const f = st.file;
    return {
      url: redactUrl(args.url),
      dest: st.target,
      ...(f.type === "file" ? { sha256: f.sha256, size: f.size } : {}),
      msg: f.type === "absent" ? "would download" : args.checksum ? "file already exists with the right checksum" : "file already exists",
      changed: false,
    };
  },
  changed: (r) => r.changed,
});
