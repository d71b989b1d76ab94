import { posix } from "node:path";
import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { AbsPath, Mode } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { curlConfig } from "./curl-config.js";
import { DOWNLOAD_URL } from "./downloads.js";
import { OpenPgpError, type PublicKey, armor, dearmor, idMatches, isArmored, keyMatches, normalizeKeyId, readKeys } from "./openpgp.js";
import { type SmallFile, fileChange, readSmallFile, sha, writeOwned } from "./owned-file.js";

// apt_signing_key, and Ansible's apt_key: an OpenPGP public key in a keyring file apt reads,
// without apt-key (deprecated in Debian 12, gone after it) and without gpg on the host. Three
// places for the key:
// - name: <dir>/<name>.asc or .gpg (by the key's own format), /etc/apt/keyrings by default, for
//   a repository's Signed-By: the modern way, one key per repository;
// - keyring: that file, .asc (armored) or .gpg (binary), which may hold other keys too, as
//   apt-key --keyring kept them;
// - neither: /etc/apt/trusted.gpg.d/<id or fingerprint>.asc, trusted for every repository: what
//   `apt-key add` did, so a role's repositories without Signed-By still verify.

const TRUSTED_DIR = "/etc/apt/trusted.gpg.d";
const LEGACY_KEYRING = "/etc/apt/trusted.gpg";
/** A key file is a few KiB; a URL answering with more is not serving a key. */
const MAX_KEY_BYTES = 1024 * 1024;

const BaseName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a file name (letters, digits, _ . -) without directory or extension");

const KeyId = z.string().regex(/^(?:0[xX])?(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16,})$/, "a key id: 8, 16 or more hex digits (the full fingerprint is best), optionally after 0x");

const KeyArgs = z
  .strictObject({
    name: BaseName.optional().describe("The keyring's file name in dir: NAME.asc (an armored key) or NAME.gpg (binary), for a repository's signed_by. Not with keyring."),
    content: z.string().min(1).optional().describe("The public key, ASCII-armored (Ansible's data). One of content, src, file, url and keyserver."),
    src: z.string().min(1).optional().describe("A public key file of the site or role (its files/ directory), armored or binary."),
    file: AbsPath.optional().describe("A public key file on the host."),
    url: z.string().regex(DOWNLOAD_URL, "an http://, https:// or ftp:// URL").optional().describe("Where the host downloads the key from (http, https or ftp)."),
    validate_certs: z.boolean().default(true).describe("false: url's TLS certificate is not verified."),
    id: KeyId.optional().describe(
      "The key's fingerprint (or id): with a source, the key must be this one; when keyring (or, without name, its trusted.gpg.d file) already holds it, nothing is fetched; with state=absent, the key removed.",
    ),
    keyring: AbsPath.regex(/\.(asc|gpg)$/, "a keyring path ending in .asc (armored) or .gpg (binary): apt reads no other")
      .optional()
      .describe("A keyring file by path (.asc or .gpg, which says its format); it may hold other keys too. Not with name."),
    keyserver: z
      .string()
      .regex(/^(?:(?:hkps?|https?):\/\/)?[A-Za-z0-9.-]+(?::\d{1,5})?\/?$/i, "a key server: a host name (optionally :port), or hkp://, hkps://, http:// or https:// and one")
      .optional()
      .describe(
        "A key server (a host name, or hkp://, hkps://, http://, https://) the host fetches the key named by id from; the key is taken only when its fingerprint is that id, so the server is trusted for nothing.",
      ),
    state: z.enum(["present", "absent"]).default("present").describe("present: the key is in the keyring; absent: removed from it."),
    dir: AbsPath.default("/etc/apt/keyrings").describe("The directory of name's file."),
    mode: Mode.default("0644").describe("The keyring file's mode."),
  })
  .superRefine((a, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", message, path: [path] });
    if (a.keyserver !== undefined && a.state === "present") {
      if (a.id === undefined) issue("keyserver needs id: the key's fingerprint (or its 16-hex long id)", "id");
      else if (normalizeKeyId(a.id).length < 16) issue("with keyserver, id must be the key's full fingerprint or its 16-hex long id: a short id can name many different keys, so the key fetched cannot be verified", "id");
    }
    const sources = (["content", "src", "file", "url", "keyserver"] as const).filter((k) => a[k] !== undefined);
    if (sources.length > 1) issue(`give only one of data (content), src, file, url and keyserver, not ${sources.join(" and ")}`, sources[1] ?? "content");
    if (a.name !== undefined && a.keyring !== undefined) issue("give name (a file in dir) or keyring (a path), not both", "keyring");
    if (a.state === "present" && sources.length === 0) issue("state=present needs the key: data (content), src, file, url or keyserver (with id)", "content");
    if (a.state === "absent" && a.name === undefined && a.id === undefined && sources.filter((k) => k !== "keyserver").length === 0) issue("state=absent needs id (or name, or the key itself to take its id from)", "id");
  });

type KeyArgs = z.output<typeof KeyArgs>;

/** An OpenPGP public key's kind by its first bytes, so the file gets the extension apt expects. */
export function keyFormat(key: Buffer): "asc" | "gpg" {
  const text = key.subarray(0, 4096).toString("latin1");
  if (text.includes("-----BEGIN PGP PRIVATE KEY BLOCK-----")) throw new ModuleError("this is a private key: apt needs only the public key");
  if (text.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----")) return "asc";
  const b = key[0] ?? 0;
  // Packet tag 6 (public key): old format 0b10_0110_xx, new format 0b11_000110.
  if ((b & 0xfc) === 0x98 || b === 0xc6) return "gpg";
  throw new ModuleError("not an OpenPGP public key (neither ASCII-armored nor a binary keyring)");
}

const formatOfPath = (path: string): "asc" | "gpg" => (path.endsWith(".asc") ? "asc" : "gpg");

/** The keys a keyring file holds; a file that is no keyring (garbage, empty) holds none. */
function keysIn(file: SmallFile): PublicKey[] {
  if (!file.exists || file.content.length === 0) return [];
  try {
    return readKeys(file.content);
  } catch (e) {
    if (e instanceof OpenPgpError) return [];
    throw e;
  }
}

/** Keys written in a keyring's format. */
function encode(keys: readonly PublicKey[], format: "asc" | "gpg"): Buffer {
  const bin = Buffer.concat(keys.map((k) => k.bytes));
  return format === "asc" ? Buffer.from(armor(bin)) : bin;
}

/**
 * The keyring with the source's keys in it. A file that holds only them (or nothing) becomes the
 * source as it came, converted only when its format is not the path's. Keys of others stay, in
 * their order; the source's replace their old copies where those were (a key's newer signatures
 * or subkeys arrive, the order does not change: a second run finds the same bytes), or come last.
 */
export function keyringWith(current: SmallFile, source: Buffer, sourceKeys: readonly PublicKey[], format: "asc" | "gpg"): Buffer {
  const ours = (k: PublicKey) => sourceKeys.some((s) => s.fingerprint === k.fingerprint);
  const existing = keysIn(current);
  if (existing.every(ours)) {
    const armored = isArmored(source);
    if (format === "asc") return armored ? source : Buffer.from(armor(source));
    return armored ? dearmor(source.toString("utf8")) : source;
  }
  const at = existing.findIndex(ours);
  const split = at < 0 ? existing.length : at;
  const others = (ks: readonly PublicKey[]) => ks.filter((k) => !ours(k));
  return encode([...others(existing.slice(0, split)), ...sourceKeys, ...others(existing.slice(split))], format);
}

/** The keyring without the keys the ids name: undefined when nothing is left (the file goes). */
export function keyringWithout(current: SmallFile, ids: readonly string[], format: "asc" | "gpg"): Buffer | undefined {
  const keys = keysIn(current);
  const left = keys.filter((k) => !ids.some((id) => keyMatches(k, id)));
  if (left.length === keys.length) return current.content;
  return left.length === 0 ? undefined : encode(left, format);
}

/** One keyring file and what it must become. */
export interface KeyringEdit {
  path: string;
  file: SmallFile;
  want: Buffer | undefined;
  mode: string;
}

export interface KeyState {
  edits: KeyringEdit[];
  /** The keyring the key is (or would be) in; for absent, the first one named. */
  path: string;
  /** The key's id as Ansible reports it: the id given, or the source key's. */
  keyId?: string;
  /** Check mode: the key file is not on the host yet (an earlier task would put it there). */
  unavailable?: string;
}

export interface KeyResult {
  path: string;
  /** Ansible's fields: the id given or read from the key, its last 16 and last 8 hex digits. */
  id?: string;
  key_id?: string;
  fp?: string;
  short_id?: string;
}

const RC_MISSING = 3;
const RC_NO_CURL = 5;
const RC_DOWNLOAD = 6;

/** The key from its source; undefined in check mode when a host file is not there yet. */
async function readSource(ctx: ModuleContext, a: KeyArgs): Promise<Buffer | undefined> {
  if (a.content !== undefined) return Buffer.from(a.content);
  if (a.src !== undefined) return ctx.readControlFile(a.src);
  if (a.file !== undefined) {
    const r = await ctx.sh.run(`f=${shellQuote(a.file)}; [ -f "$f" ] || exit ${RC_MISSING}; base64 -w0 < "$f"`);
    if (r.rc === RC_MISSING) {
      if (ctx.check) return undefined;
      throw new ModuleError(`file ${a.file} does not exist on the host`);
    }
    if (r.rc !== 0) throw new ModuleError(`cannot read ${a.file}: ${r.stderr.trim()}`);
    return Buffer.from(r.stdout.trim(), "base64");
  }
  if (a.url !== undefined) return download(ctx.sh, a.url, a.validate_certs);
  if (a.keyserver !== undefined && a.id !== undefined) return download(ctx.sh, keyserverUrl(a.keyserver, a.id), a.validate_certs);
  return undefined;
}

/** The key downloaded by the host (as Ansible's apt_key does), through curl with its options on stdin. */
export async function download(sh: RemoteShell, url: string, validateCerts: boolean): Promise<Buffer> {
  const script = [
    `command -v curl >/dev/null || { echo 'curl is not installed on the host' >&2; exit ${RC_NO_CURL}; }`,
    "tmp=$(mktemp) || exit 1",
    `trap 'rm -f "$tmp"' EXIT`,
    `if ! code=$(curl --config - --output "$tmp" --write-out '%{http_code}'); then [ "\${code:-000}" = 000 ] || printf 'HTTP status %s\\n' "$code" >&2; exit ${RC_DOWNLOAD}; fi`,
    'base64 -w0 < "$tmp"',
  ].join("\n");
  const config = `${curlConfig({ url, timeout: 10, validateCerts })}max-filesize = ${MAX_KEY_BYTES}\n`;
  const r = await sh.run(script, { stdin: config });
  if (r.rc !== 0) throw new ModuleError(`cannot download the key from ${url}: ${r.stderr.trim().split("\n").reverse().join("; ")}`, r);
  return Buffer.from(r.stdout.trim(), "base64");
}

/** Every keyring apt trusts for all repositories, with content, in one round trip. */
async function trustedKeyrings(sh: RemoteShell): Promise<Map<string, SmallFile>> {
  const r = await sh.run(`for f in ${TRUSTED_DIR}/*.asc ${TRUSTED_DIR}/*.gpg ${LEGACY_KEYRING}; do [ -f "$f" ] || continue; printf '%s\\n%s\\n' "$f" "$(stat -c %a "$f")"; base64 -w0 < "$f"; echo; done`);
  if (r.rc !== 0) throw new ModuleError(`cannot read apt's keyrings: ${r.stderr.trim()}`);
  const lines = r.stdout.split("\n");
  const out = new Map<string, SmallFile>();
  for (let i = 0; i + 2 < lines.length; i += 3) out.set(lines[i] ?? "", { exists: true, mode: lines[i + 1] ?? "644", content: Buffer.from(lines[i + 2] ?? "", "base64") });
  return out;
}

/**
 * The HKP lookup of a key by id, as gpg's dirmngr makes it: a bare host name is hkp:// (port
 * 11371), hkps:// is https (port 443).
 */
export function keyserverUrl(keyserver: string, id: string): string {
  const m = /^(?:([a-z]+):\/\/)?([^/:]+)(?::(\d+))?\/?$/i.exec(keyserver);
  const scheme = (m?.[1] ?? "hkp").toLowerCase();
  const host = m?.[2] ?? keyserver;
  const port = m?.[3] ?? (scheme === "hkp" ? "11371" : undefined);
  const proto = scheme === "hkps" || scheme === "https" ? "https" : "http";
  return `${proto}://${host}${port ? `:${port}` : ""}/pks/lookup?op=get&options=mr&search=0x${normalizeKeyId(id)}`;
}

/**
 * What a key server answered, verified: only keys whose own fingerprint is the id asked for are
 * kept (a server may answer with others, or with a different key altogether); none is an error.
 * A subkey's id is not enough: a subkey can be attached to any primary key without its signature
 * being checked here.
 */
export function keysFromKeyserver(keyserver: string, id: string, answer: Buffer): PublicKey[] {
  let keys: PublicKey[];
  try {
    keys = readKeys(answer);
  } catch (e) {
    if (e instanceof OpenPgpError) throw new ModuleError(`key server ${keyserver} did not answer with a key for ${normalizeKeyId(id)}: ${e.message}`);
    throw e;
  }
  const mine = keys.filter((k) => idMatches(k.fingerprint, id));
  if (mine.length === 0) throw new ModuleError(`key server ${keyserver} answered for ${normalizeKeyId(id)} with ${keys.map((k) => k.fingerprint).join(", ")}: not that key, refused`);
  return mine;
}

function sourceKeys(a: KeyArgs, source: Buffer): PublicKey[] {
  if (a.keyserver !== undefined && a.id !== undefined) return keysFromKeyserver(a.keyserver, a.id, source);
  const what = a.url ?? a.file ?? a.src ?? "data";
  try {
    const keys = readKeys(source);
    if (a.id !== undefined && !keys.some((k) => keyMatches(k, a.id ?? ""))) {
      throw new ModuleError(`the key from ${what} is ${keys.map((k) => k.fingerprint).join(", ")}, not ${normalizeKeyId(a.id)}`);
    }
    return keys;
  } catch (e) {
    if (e instanceof OpenPgpError) throw new ModuleError(`${what}: ${e.message}`);
    throw e;
  }
}

async function probePresent(ctx: ModuleContext, a: KeyArgs): Promise<KeyState> {
  const id = a.id !== undefined ? normalizeKeyId(a.id) : undefined;
  // Where the key goes, when that is known before the key itself.
  const fixed = a.keyring ?? (a.name === undefined && id !== undefined ? `${TRUSTED_DIR}/${id}.asc` : undefined);
  let current = fixed !== undefined ? (await readSmallFile(ctx.sh, fixed)).file : undefined;
  // As Ansible: a key already there (by id) is not downloaded again.
  if (fixed !== undefined && current && id !== undefined && keysIn(current).some((k) => keyMatches(k, id))) {
    return { edits: [{ path: fixed, file: current, want: current.content, mode: a.mode }], path: fixed, keyId: id };
  }
  let source = await readSource(ctx, a);
  if (source === undefined) return { edits: [], path: fixed ?? a.file ?? "", unavailable: `${a.file} is not on the host yet` };
  const keys = sourceKeys(a, source);
  // From a key server, only the verified keys are kept, armored.
  if (a.keyserver !== undefined) source = Buffer.from(armor(Buffer.concat(keys.map((k) => k.bytes))));
  const first = keys[0]?.fingerprint ?? "";
  const path = fixed ?? (a.name !== undefined ? `${a.dir}/${a.name}.${keyFormat(source)}` : `${TRUSTED_DIR}/${first}.asc`);
  current ??= (await readSmallFile(ctx.sh, path)).file;
  // A named file is the key's own (one per repository): a replaced key leaves nothing behind.
  const want = a.name !== undefined ? source : keyringWith(current, source, keys, formatOfPath(path));
  return { edits: [{ path, file: current, want, mode: a.mode }], path, keyId: id ?? (first.length === 40 ? first.slice(-16) : first.slice(0, 16)) };
}

async function probeAbsent(ctx: ModuleContext, a: KeyArgs): Promise<KeyState> {
  const candidates = a.keyring !== undefined ? [a.keyring] : a.name !== undefined ? [`${a.dir}/${a.name}.asc`, `${a.dir}/${a.name}.gpg`] : undefined;
  const files = new Map<string, SmallFile>();
  if (candidates) for (const p of candidates) files.set(p, (await readSmallFile(ctx.sh, p)).file);
  else for (const [p, f] of await trustedKeyrings(ctx.sh)) files.set(p, f);
  const path = candidates?.[0] ?? TRUSTED_DIR;
  // name without id: the files are ours outright, whatever keys they hold.
  if (a.name !== undefined && a.id === undefined && a.content === undefined && a.src === undefined && a.file === undefined && a.url === undefined && a.keyserver === undefined) {
    return { edits: [...files].map(([p, file]) => ({ path: p, file, want: undefined, mode: a.mode })), path };
  }
  let ids: string[];
  if (a.id !== undefined) ids = [normalizeKeyId(a.id)];
  else {
    const source = await readSource(ctx, a);
    if (source === undefined) return { edits: [], path, unavailable: `${a.file} is not on the host yet` };
    ids = sourceKeys(a, source).map((k) => k.fingerprint);
  }
  const edits = [...files].map(([p, file]) => ({ path: p, file, want: file.exists ? keyringWithout(file, ids, formatOfPath(p)) : undefined, mode: file.mode ?? a.mode }));
  return { edits, path, ...(ids[0] !== undefined ? { keyId: ids[0] } : {}) };
}

function keyText(path: string, b: Buffer): string {
  if (path.endsWith(".asc")) return b.toString("utf8");
  const keys = keysIn({ exists: true, content: b });
  return `(binary keyring, sha256 ${sha(b)})\n${keys.map((k) => `key ${k.fingerprint}\n`).join("")}`;
}

function keyResult(st: KeyState): KeyResult {
  const k = st.keyId;
  if (k === undefined) return { path: st.path };
  return { path: st.path, id: k, key_id: k, fp: k.length > 16 ? k.slice(-16) : k, short_id: k.slice(-8) };
}

export const apt_signing_key = defineModule({
  name: "apt_signing_key",
  args: KeyArgs,
  doc: {
    summary:
      "An OpenPGP public key in a keyring file apt reads, without apt-key or gpg: NAME.asc/.gpg in dir for a repository's signed_by (name), a keyring path (keyring), or, with neither, /etc/apt/trusted.gpg.d (trusted for every repository, as apt-key add did).",
    example: 'await h.apt_signing_key({ name: "nginx", url: "https://nginx.org/keys/nginx_signing.key", id: "573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62" });',
    check: "Supported: reports what would change. A key file on the host that is not there yet (an earlier task would put it there) makes the task skipped in check mode.",
    diff: "The keyring file before and after: an armored key's text, or for a binary keyring its checksum and the fingerprints it holds.",
    liveWhen: "url or keyserver is given (the probe downloads the key)",
  },
  // A key fetched from a URL or a keyserver is downloaded by the probe itself, every time.
  probeScope: (a) => (a.url !== undefined || a.keyserver !== undefined ? "live" : "host"),
  probe: (ctx, a): Promise<KeyState> => (a.state === "present" ? probePresent(ctx, a) : probeAbsent(ctx, a)),
  diff(a, st): Change | undefined {
    if (st.unavailable) return { summary: st.unavailable, unpredictable: true };
    const changes = st.edits.map((e) => fileChange(e.path, e.file, e.want, e.mode, (b) => keyText(e.path, b))).filter((c): c is Change => c !== undefined);
    if (changes.length === 0) return undefined;
    return { summary: changes.map((c) => c.summary).join("; "), diffs: changes.flatMap((c) => c.diffs ?? []) };
  },
  async apply(ctx, _a, st): Promise<KeyResult> {
    for (const e of st.edits) {
      if (fileChange(e.path, e.file, e.want, e.mode, () => "") === undefined) continue;
      if (e.want !== undefined && !e.file.exists) {
        const dir = posix.dirname(e.path);
        const r = await ctx.sh.run(`mkdir -p -m 0755 -- ${shellQuote(dir)}`);
        if (r.rc !== 0) throw new ModuleError(`cannot create ${dir}: ${r.stderr.trim()}`);
      }
      await writeOwned(ctx.sh, e.path, e.file, e.want, e.mode);
    }
    return keyResult(st);
  },
  unchanged: (_a, st): KeyResult => keyResult(st),
});
