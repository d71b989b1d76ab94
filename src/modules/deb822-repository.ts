import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { download } from "./apt-key.js";
import { Mode, Str } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { type FieldName, type FieldValue, deb822Text, isUrl, legacySlug, slug } from "./deb822-edit.js";
import { isArmored } from "./openpgp.js";
import { type SmallFile, fileChange, readSmallFile, writeOwned } from "./owned-file.js";

// deb822_repository: an apt repository as /etc/apt/sources.list.d/<name>.sources in deb822
// form, as ansible.builtin.deb822_repository writes it (byte for byte: its fields sorted by
// argument name, python-debian's layout). A signed_by URL is downloaded by the host into
// /etc/apt/keyrings/<name>.asc (or .gpg for a binary key); a path of a file on the host is
// written as it is; anything else (the key's text) goes into the file. apt's cache is not
// updated: notify a handler that runs apt with update_cache, as with Ansible.

const SOURCES_DIR = "/etc/apt/sources.list.d";
const KEYRINGS_DIR = "/etc/apt/keyrings";

/** Ansible's list arguments: a list, or text split at commas (a number is one item). */
const List = z.union([z.string().transform((s) => s.split(",")), z.number().transform((n) => [String(n)]), z.array(Str)]);

const Deb822Args = z
  .strictObject({
    name: Str.pipe(z.string().min(1)).describe("The repository's name: its file /etc/apt/sources.list.d/NAME.sources (blanks as -) and its X-Repolib-Name."),
    types: z
      .union([z.string().transform((s) => s.split(",")), z.array(z.string())])
      .pipe(z.array(z.enum(["deb", "deb-src"])))
      .default(["deb"])
      .describe("deb and/or deb-src."),
    uris: List.optional().describe("The repository's URIs (a list, or comma-separated)."),
    suites: List.optional().describe("Suites (bookworm, stable, ...), or a path for a flat repository."),
    components: List.optional().describe("Components (main, contrib, ...)."),
    architectures: List.optional().describe("Architectures to fetch (amd64, arm64, ...)."),
    languages: List.optional().describe("Translations to fetch."),
    targets: List.optional().describe("Download targets."),
    include: List.optional().describe("Only these packages are taken from the repository."),
    exclude: List.optional().describe("These packages are not taken from the repository."),
    signed_by: z.string().min(1).optional().describe("The key: a URL (downloaded to /etc/apt/keyrings/NAME.asc or .gpg), a key file on the host, or the key's text."),
    inrelease_path: z.string().optional().describe("Path of the InRelease file, relative to the suite."),
    date_max_future: z.number().int().optional().describe("Seconds a Release file's Date may lie in the future."),
    allow_downgrade_to_insecure: z.boolean().optional().describe("apt's Allow-Downgrade-To-Insecure: accept a repository that drops its signature."),
    allow_insecure: z.boolean().optional().describe("apt's Allow-Insecure: accept an unsigned repository."),
    allow_weak: z.boolean().optional().describe("apt's Allow-Weak: accept signatures made with weak algorithms."),
    by_hash: z.boolean().optional().describe("apt's By-Hash: fetch index files by their hash."),
    check_date: z.boolean().optional().describe("apt's Check-Date: false ignores a Release file's Date."),
    check_valid_until: z.boolean().optional().describe("apt's Check-Valid-Until: false accepts an expired Release file."),
    enabled: z.boolean().optional().describe("false: apt ignores the repository (Enabled: no)."),
    pdiffs: z.boolean().optional().describe("apt's PDiffs: fetch index changes as patches."),
    trusted: z.boolean().optional().describe("true: apt trusts the repository without a signature check."),
    install_python_debian: z.boolean().default(false).describe("Accepted for Ansible's sake: no Python library is needed on the host."),
    mode: Mode.default("0644").describe("The .sources file's mode."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the file (and a downloaded key) is there; absent: both removed."),
  })
  .superRefine((a, ctx) => {
    if (a.include !== undefined && a.exclude !== undefined) ctx.addIssue({ code: "custom", path: ["exclude"], message: "parameters are mutually exclusive: exclude|include" });
  });

type Deb822Args = z.output<typeof Deb822Args>;

export interface KeyFile {
  path: string;
  file: SmallFile;
  want: Buffer;
}

export interface RepoState {
  dest: string;
  file: SmallFile;
  /** The .sources text (undefined: absent). */
  want: string | undefined;
  key?: KeyFile;
  /** state=absent: the key files of the name that are there. */
  removeKeys: Array<{ path: string; file: SmallFile }>;
  /** Ansible's key_filename: the downloaded key's path; for state=absent the .gpg one. */
  keyFilename: string | null;
}

export interface Deb822Result {
  /** The .sources text; null for state=absent. */
  repo: string | null;
  dest: string;
  key_filename: string | null;
}

const KEY_MODE = "0644";

/** Where the signed_by value points: a key file on the host, a URL, or neither (key text). */
async function signedBy(ctx: ModuleContext, v: string, name: string): Promise<{ value: string; keyFilename: string | null; key?: KeyFile }> {
  const isFile = await ctx.sh.run(`[ -f ${shellQuote(v)} ]`);
  if (isFile.rc === 0) return { value: v, keyFilename: v };
  if (!isUrl(v)) return { value: v, keyFilename: null };
  let data: Buffer;
  try {
    data = await download(ctx.sh, v, true);
  } catch (err) {
    throw new ModuleError(`Could not fetch signed_by key: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data.length === 0) return { value: v, keyFilename: v };
  const path = `${KEYRINGS_DIR}/${name}.${isArmored(data) ? "asc" : "gpg"}`;
  const { file } = await readSmallFile(ctx.sh, path);
  return { value: path, keyFilename: path, key: { path, file, want: data } };
}

async function probe(ctx: ModuleContext, a: Deb822Args): Promise<RepoState> {
  const legacy = `${SOURCES_DIR}/${legacySlug(a.name)}.sources`;
  const legacyThere = (await ctx.sh.run(`[ -e ${shellQuote(legacy)} ]`)).rc === 0;
  const name = legacyThere ? legacySlug(a.name) : slug(a.name);
  const dest = `${SOURCES_DIR}/${name}.sources`;
  const { file } = await readSmallFile(ctx.sh, dest);
  if (a.state === "absent") {
    const removeKeys: RepoState["removeKeys"] = [];
    for (const ext of ["asc", "gpg"]) {
      const path = `${KEYRINGS_DIR}/${name}.${ext}`;
      const key = await readSmallFile(ctx.sh, path);
      if (key.file.exists) removeKeys.push({ path, file: key.file });
    }
    return { dest, file, want: undefined, removeKeys, keyFilename: `${KEYRINGS_DIR}/${name}.gpg` };
  }
  const fields: Partial<Record<FieldName, FieldValue>> = {};
  const { name: repoName, state: _state, mode: _mode, install_python_debian: _ipd, signed_by: signed, ...rest } = a;
  Object.assign(fields, rest, { name: repoName });
  const s = signed === undefined ? undefined : await signedBy(ctx, signed, name);
  if (s !== undefined) fields.signed_by = s.value;
  return { dest, file, want: deb822Text(fields), ...(s?.key ? { key: s.key } : {}), removeKeys: [], keyFilename: s?.keyFilename ?? null };
}

function keyText(path: string, b: Buffer): string {
  return path.endsWith(".asc") ? b.toString("utf8") : `(binary key, ${b.length} bytes)\n`;
}

function changes(a: Deb822Args, st: RepoState): Change[] {
  const out: Change[] = [];
  if (st.key) {
    const c = fileChange(st.key.path, st.key.file, st.key.want, KEY_MODE, (b) => keyText(st.key?.path ?? "", b));
    if (c) out.push(c);
  }
  for (const k of st.removeKeys) {
    const c = fileChange(k.path, k.file, undefined, KEY_MODE, (b) => keyText(k.path, b));
    if (c) out.push(c);
  }
  const c = fileChange(st.dest, st.file, st.want === undefined ? undefined : Buffer.from(st.want), a.mode, (b) => b.toString("utf8"));
  if (c) out.push(c);
  return out;
}

function result(st: RepoState): Deb822Result {
  return { repo: st.want ?? null, dest: st.dest, key_filename: st.keyFilename };
}

export const deb822_repository = defineModule({
  name: "deb822_repository",
  args: Deb822Args,
  doc: {
    summary:
      "An apt repository as /etc/apt/sources.list.d/NAME.sources, written as Ansible's deb822_repository writes it; a signed_by URL is downloaded into /etc/apt/keyrings. The package lists are not updated: notify a handler that runs apt with update_cache.",
    example:
      'await h.deb822_repository({ name: "docker", uris: "https://download.docker.com/linux/debian", suites: "bookworm", components: "stable", signed_by: "https://download.docker.com/linux/debian/gpg" });',
    diff: "The .sources file's content before and after (and its mode when it changes), and the key file written or removed (an armored key's text; a binary key by its size).",
    liveWhen: "signed_by is a URL (the probe downloads the key every time)",
  },
  // A signed_by URL is downloaded by the probe itself, every time.
  probeScope: (a) => (a.signed_by !== undefined && isUrl(a.signed_by) ? "live" : "host"),
  probe,
  diff(a, st): Change | undefined {
    const cs = changes(a, st);
    if (cs.length === 0) return undefined;
    return { summary: cs.map((c) => c.summary).join("; "), diffs: cs.flatMap((c) => c.diffs ?? []) };
  },
  async apply(ctx, a, st): Promise<Deb822Result> {
    if (st.key && fileChange(st.key.path, st.key.file, st.key.want, KEY_MODE, () => "") !== undefined) {
      if (!st.key.file.exists || st.key.file.content.compare(st.key.want) !== 0) {
        // As Ansible: the keyrings directory root's, 0755, whenever a key is written into it.
        const r = await ctx.sh.run(`mkdir -p -- ${KEYRINGS_DIR} && chown root:root ${KEYRINGS_DIR} && chmod 0755 ${KEYRINGS_DIR}`);
        if (r.rc !== 0) throw new ModuleError(`cannot create ${KEYRINGS_DIR}: ${r.stderr.trim()}`);
      }
      await writeOwned(ctx.sh, st.key.path, st.key.file, st.key.want, KEY_MODE);
    }
    for (const k of st.removeKeys) await writeOwned(ctx.sh, k.path, k.file, undefined, KEY_MODE);
    const want = st.want === undefined ? undefined : Buffer.from(st.want);
    if (fileChange(st.dest, st.file, want, a.mode, () => "") !== undefined) await writeOwned(ctx.sh, st.dest, st.file, want, a.mode);
    return result(st);
  },
  unchanged: (_a, st): Deb822Result => result(st),
});
