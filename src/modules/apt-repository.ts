import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { UpdateCacheTimeout, updateCache } from "./apt-cache.js";
import { editListFile, formatOneLine, isArmoredKey, parseOneLine, renderDeb822, suggestFilename } from "./apt-sources.js";
import { Mode } from "./args.js";
import { ModuleError, defineModule } from "./contract.js";
import { type SmallFile, fileChange, readSmallFile, sha, writeOwned } from "./owned-file.js";

// apt_repository: a deb822 .sources file, or a line in a one-line .list file. The modern Debian
// way: one key per repository (apt_signing_key, apt-key.ts), referenced by path.

const SOURCES_DIR = "/etc/apt/sources.list.d";

/** A file name without directory or extension. */
const BaseName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a file name (letters, digits, _ . -) without directory or extension");

const Words = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : v.trim().split(/\s+/)));

/**
 * Lets apt itself parse a sources file before it goes live: a broken file in sources.list.d
 * stops every later apt run on the host. apt picks the format by extension, so the temporary
 * file is checked under a proper name; --print-uris takes no lock and fetches nothing.
 */
function sourcesValidator(ext: "sources" | "list"): string {
  return `d=$(mktemp -d) && cp %s "$d/check.${ext}" && apt-get -o Dir::Etc::SourceList="$d/check.${ext}" -o Dir::Etc::SourceParts="$d/none" --print-uris update >/dev/null; rc=$?; rm -rf "$d"; [ $rc -eq 0 ]`;
}

// ---------------------------------------------------------------------------------------------
// apt_repository

const RepoArgs = z
  .strictObject({
    name: BaseName.optional().describe(
      "deb822 form: the repository's name; writes /etc/apt/sources.list.d/NAME.sources (as Ansible's deb822_repository). Exactly one of name and repo.",
    ),
    types: z
      .union([z.enum(["deb", "deb-src"]), z.array(z.enum(["deb", "deb-src"])).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .default(["deb"])
      .describe("deb822 form: deb and/or deb-src."),
    uris: Words.optional().describe("deb822 form: the repository's URIs (a list, or space-separated); needed with state=present."),
    suites: Words.optional().describe("deb822 form: suites (bookworm, stable, ...), or a path ending in / for a flat repository; needed with state=present."),
    components: Words.optional().describe("deb822 form: components (main, contrib, ...); needed unless the repository is flat."),
    signed_by: z.string().min(1).optional().describe("deb822 form: a keyring path on the host (see apt_signing_key), or an ASCII-armored public key embedded in the file."),
    architectures: Words.optional().describe("deb822 form: architectures to fetch (amd64, arm64, ...)."),
    trusted: z.boolean().optional().describe("deb822 form: true: apt trusts the repository without a signature check."),
    enabled: z.boolean().optional().describe("deb822 form: false: apt ignores the repository (Enabled: no)."),
    repo: z
      .string()
      .min(1)
      .optional()
      .describe("One-line form: a `deb [options] URI SUITE COMPONENT...` line in a .list file (as Ansible's apt_repository). Exactly one of name and repo."),
    filename: BaseName.optional().describe("One-line form: the .list file's name without directory or extension; derived from the URI when omitted."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the file (or line) is there; absent: removed."),
    update_cache: z.boolean().default(true).describe("Run apt-get update after a change; when the update fails the file is put back as it was and the task fails."),
    mode: Mode.default("0644").describe("The file's mode."),
    lock_timeout: z.number().int().min(0).default(60).describe("Seconds to wait for another apt run's lock before failing."),
    update_cache_retries: z.number().int().min(0).default(5).describe("Further attempts when apt-get update fails to download."),
    update_cache_timeout: UpdateCacheTimeout,
  })
  .superRefine((a, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", message, path: [path] });
    if ((a.name === undefined) === (a.repo === undefined)) return issue("give exactly one of name (deb822 .sources) and repo (one-line .list)", "name");
    if (a.repo !== undefined) {
      for (const k of ["uris", "suites", "components", "signed_by", "architectures", "trusted", "enabled"] as const) {
        if (a[k] !== undefined) issue(`${k} belongs to the deb822 form (name); put options in the repo line`, k);
      }
      try {
        parseOneLine(a.repo);
      } catch (err) {
        issue(err instanceof Error ? err.message : String(err), "repo");
      }
      return;
    }
    if (a.filename !== undefined) issue("filename belongs to the one-line form (repo); the deb822 file is named by name", "filename");
    if (a.state === "absent") return;
    if (!a.uris) issue("state=present needs uris", "uris");
    if (!a.suites) issue("state=present needs suites", "suites");
    const flat = a.suites?.some((s) => s.endsWith("/")) ?? false;
    if (flat && a.components) issue("a flat repository (suite ending in /) takes no components", "components");
    if (!flat && a.suites && !a.components) issue("suites need components (e.g. main)", "components");
    if (a.signed_by && !isArmoredKey(a.signed_by) && !a.signed_by.startsWith("/")) issue("signed_by is an absolute keyring path or an ASCII-armored public key", "signed_by");
  });

type RepoArgs = z.output<typeof RepoArgs>;

export interface RepoState {
  path: string;
  file: SmallFile;
  /** The wanted content; undefined when the file should not exist. */
  want: Buffer | undefined;
  /** signed_by names a keyring file the host does not have. */
  keyMissing: boolean;
}

export interface RepoResult {
  path: string;
  /** The source as written: the deb822 file's text or the one-line source. */
  repo: string;
  cache_updated: boolean;
}

function repoPath(a: RepoArgs): string {
  if (a.name !== undefined) return `${SOURCES_DIR}/${a.name}.sources`;
  const line = parseOneLine(a.repo ?? "");
  return `${SOURCES_DIR}/${a.filename ?? suggestFilename(line)}.list`;
}

export const apt_repository = defineModule({
  name: "apt_repository",
  args: RepoArgs,
  doc: {
    summary: "An apt source: a deb822 .sources file (name, uris, suites, ...) or a line in a one-line .list file (repo), checked by apt before it goes live; apt-get update after a change.",
    example:
      'await h.apt_repository({ name: "nginx", uris: "https://nginx.org/packages/debian", suites: "bookworm", components: "nginx", signed_by: "/etc/apt/keyrings/nginx.asc" });',
    check: "Supported: reports what would change. A keyring named by signed_by that is not on the host yet fails the task in a normal run; in check mode it may be one an earlier task would write, so it is not an error.",
    diff: "The sources file's content before and after (and its mode when it changes).",
  },
  async probe(ctx, a): Promise<RepoState> {
    const path = repoPath(a);
    const keyPath = a.signed_by && !isArmoredKey(a.signed_by) && a.state === "present" ? a.signed_by : undefined;
    const { file, extra } = await readSmallFile(ctx.sh, path, keyPath ? `[ -r ${shellQuote(keyPath)} ] && echo key-ok || echo key-missing` : "");
    let want: Buffer | undefined;
    if (a.name !== undefined) {
      want =
        a.state === "absent"
          ? undefined
          : Buffer.from(
              renderDeb822({
                types: a.types,
                uris: a.uris ?? [],
                suites: a.suites ?? [],
                components: a.components ?? [],
                signedBy: a.signed_by,
                architectures: a.architectures,
                trusted: a.trusted,
                enabled: a.enabled,
              }),
            );
    } else {
      const edited = editListFile(file.content.toString("utf8"), parseOneLine(a.repo ?? ""), a.state === "present");
      want = edited === undefined ? undefined : Buffer.from(edited);
    }
    return { path, file, want, keyMissing: extra.includes("key-missing") };
  },
  diff(a, st, ctx) {
    // In check mode the key may be one an earlier (also unapplied) task would write.
    if (st.keyMissing && !ctx.check) throw new ModuleError(`signed_by ${a.signed_by} does not exist on the host (write it first, e.g. with apt_signing_key)`);
    return fileChange(st.path, st.file, st.want, a.mode, (b) => b.toString("utf8"));
  },
  async apply(ctx, a, st): Promise<RepoResult> {
    const ext = a.name !== undefined ? "sources" : "list";
    await writeOwned(ctx.sh, st.path, st.file, st.want, a.mode, sourcesValidator(ext));
    const contentChanged = st.want === undefined || !st.file.exists || sha(st.file.content) !== sha(st.want);
    let updated = false;
    if (a.update_cache && contentChanged) {
      try {
        await updateCache(ctx.sh, { lockTimeout: a.lock_timeout, retries: a.update_cache_retries, attemptTimeout: a.update_cache_timeout });
        updated = true;
      } catch (err) {
        // Like Ansible: a source apt cannot use does not stay behind to break every later run.
        await writeOwned(ctx.sh, st.path, { exists: st.want !== undefined, content: st.want ?? Buffer.alloc(0) }, st.file.exists ? st.file.content : undefined, st.file.mode ?? a.mode);
        throw new ModuleError(`${err instanceof Error ? err.message : String(err)} (${st.path} was put back as it was)`, err instanceof ModuleError ? err.details : {});
      }
    }
    return { path: st.path, repo: repoText(a, st), cache_updated: updated };
  },
  unchanged(a, st): RepoResult {
    return { path: st.path, repo: repoText(a, st), cache_updated: false };
  },
});

function repoText(a: RepoArgs, st: RepoState): string {
  return a.repo !== undefined ? formatOneLine(parseOneLine(a.repo)) : (st.want ?? st.file.content).toString("utf8");
}
