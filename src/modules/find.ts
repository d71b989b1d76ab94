import { z } from "zod";
import { fnmatcher } from "../python/fnmatch.js";
import { PyRegexError, compilePyRegex, pySearch } from "../python/regex.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { ModuleError, defineReadModule } from "./contract.js";
import { ENTRY_FORMAT, type EntryFilter, type FoundFile, type Listing, ListingError, STAT_FORMAT, contentMatches, entryPath, keeps, nameFilter, parseListing, statInfo, walkOrder } from "./find-walk.js";

// find: files by name, type, age, size and content, as ansible.builtin.find of ansible-core 2.14
// (Debian 12's). It only reads: the host lists each directory once with GNU find (lstat fields),
// and the filters run here, with Python's fnmatch and re.

/** Ansible's list arguments: a list, or one string of comma-separated items. */
const StrList = z.union([z.string().transform((s) => s.split(",")), z.array(z.union([z.string(), z.number()]).transform(String)), z.number().transform((n) => [String(n)])]);

/** Ansible's str arguments take YAML integers too. */
const Str = z.union([z.string(), z.number().int()]).transform(String);

const UNITS_AGE: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const UNITS_SIZE: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** age and size: a signed number with an optional unit letter, as find's own regular expressions read them. */
function amount(what: string, units: Readonly<Record<string, number>>) {
  const re = new RegExp(`^(-?\\d+)([${Object.keys(units).join("")}])?$`);
  return Str.transform((v, ctx) => {
    const m = re.exec(v.toLowerCase());
    if (!m) {
      ctx.addIssue({ code: "custom", message: `failed to process ${what} ${JSON.stringify(v)}: a whole number with an optional unit (${Object.keys(units).join(", ")})` });
      return z.NEVER;
    }
    return Number(m[1]) * (units[m[2] ?? ""] ?? 1);
  });
}

/** A searched path: absolute, or under the user's home (~). Environment variables are not expanded here. */
const SearchPath = z
  .string()
  .min(1)
  .regex(/^(\/|~$|~\/)/, "an absolute path (or ~/...)")
  .refine((p) => !p.includes("$"), "environment variables ($NAME) in paths are not expanded: give the path itself");

const FindArgs = z
  .strictObject({
    paths: StrList.pipe(z.array(SearchPath).min(1)).describe("Directories to search (a list, or comma-separated)."),
    patterns: StrList.default([]).describe("Basename patterns, one of which must match: shell globs, or Python regular expressions (re.match) with use_regex. Default: everything."),
    excludes: StrList.optional().describe("Basename patterns (of the same kind as patterns) that drop a match."),
    contains: z.string().optional().describe("file_type=file only: a Python regular expression matched at the start of some line (or searched in the whole text with read_whole_file)."),
    read_whole_file: z.boolean().default(false).describe("contains searches the whole text instead of matching line starts."),
    file_type: z.enum(["any", "directory", "file", "link"]).default("file").describe("The kind of entry to find (lstat: a symlink is a link)."),
    age: amount("age", UNITS_AGE).optional().describe("At least this old (e.g. 2d, 4w); negative: at most this old."),
    age_stamp: z.enum(["atime", "ctime", "mtime"]).default("mtime").describe("The time age compares."),
    size: amount("size", UNITS_SIZE).optional().describe("At least this big (e.g. 10m); negative: at most this big. Regular files only."),
    recurse: z.boolean().default(false).describe("Descend into subdirectories."),
    hidden: z.boolean().default(false).describe("Include names starting with '.' (hidden directories are searched either way)."),
    follow: z.boolean().default(false).describe("Descend into symlinked directories."),
    get_checksum: z.boolean().default(false).describe("Add the sha1 checksum of each regular file found."),
    use_regex: z.boolean().default(false).describe("patterns and excludes are Python regular expressions instead of globs."),
    depth: z.number().int().optional().describe("With recurse: how deep to look (1: the directory's own entries); 0 or unset: no limit."),
  })
  .superRefine((a, ctx) => {
    for (const key of ["patterns", "excludes"] as const) {
      for (const p of a[key] ?? []) {
        try {
          if (a.use_regex) compilePyRegex(p, { mode: "match" });
          else fnmatcher(p);
        } catch (err) {
          if (!(err instanceof PyRegexError)) throw err;
          ctx.addIssue({ code: "custom", path: [key], message: `invalid ${a.use_regex ? "regular expression" : "pattern"} ${JSON.stringify(p)}: ${err.reason}` });
        }
      }
    }
    if (a.contains !== undefined) {
      try {
        compilePyRegex(a.contains);
      } catch (err) {
        if (!(err instanceof PyRegexError)) throw err;
        ctx.addIssue({ code: "custom", path: ["contains"], message: `invalid regular expression ${JSON.stringify(a.contains)}: ${err.reason}` });
      }
    }
  });

type FindArgs = z.output<typeof FindArgs>;

export interface FindResult {
  files: FoundFile[];
  matched: number;
  examined: number;
  /** "All paths examined", or "Not all paths examined, check warnings for details". */
  msg: string;
  /** Paths not (wholly) examined, and why. */
  skipped_paths: Record<string, string>;
}

/** The path as the shell writes it: ~ becomes $HOME, everything else is quoted. */
function shellPath(p: string): string {
  if (p === "~") return '"$HOME"';
  if (p.startsWith("~/")) return `"$HOME"/${shellQuote(p.slice(2))}`;
  return shellQuote(p);
}

/**
 * One round trip: the host's time, then per path its expansion and either "N" (not a directory)
 * or its entries and find's complaints. -H follows the searched path itself when it is a link
 * (os.walk lists a linked directory); with follow, -L descends into linked directories, and a
 * link's own lstat fields come from a second find that does not follow it.
 */
function listingScript(args: FindArgs): string {
  const maxDepth = !args.recurse ? 1 : args.depth ? args.depth + 1 : undefined;
  const depthOpt = maxDepth === undefined ? "" : ` -maxdepth ${maxDepth}`;
  const stat = shellQuote(STAT_FORMAT);
  const entry = `-printf ${shellQuote(`F\\0${ENTRY_FORMAT}`)}`;
  const find = args.follow
    ? `find -L "$p" -mindepth 1${depthOpt} ${entry} \\( -xtype l -exec find -P {} -maxdepth 0 -printf ${stat} \\; -o -printf ${stat} \\)`
    : `find -H "$p" -mindepth 1${depthOpt} ${entry} -printf ${stat}`;
  const lines = [`printf 'T\\0%s\\0' "$(date +%s.%N)"`];
  for (const p of args.paths) {
    lines.push(
      `p=${shellPath(p)}`,
      `printf 'P\\0%s\\0' "$p"`,
      `if [ -d "$p" ]; then printf 'D\\0'; { err=$(${find} 2>&1 >&3 3>&-); } 3>&1; printf 'E\\0%s\\0' "$err"; else printf 'N\\0'; fi`,
    );
  }
  lines.push(`printf '\\0'`);
  return lines.join("\n");
}

async function list(sh: RemoteShell, args: FindArgs): Promise<Listing> {
  const r = await sh.run(listingScript(args));
  if (r.rc !== 0) throw new ModuleError(`find: cannot list ${args.paths.join(", ")}: ${r.stderr.trim()}`, r);
  try {
    return parseListing(r.stdout);
  } catch (err) {
    if (err instanceof ListingError) throw new ModuleError(`find: the host's listing of ${args.paths.join(", ")} could not be read: ${err.message}`, r);
    throw err;
  }
}

/** contains reads each candidate's content; batches keep one round trip's output bounded. */
const BATCH_BYTES = 16 * 1024 * 1024;

async function readContents(sh: RemoteShell, files: readonly { path: string; size: number }[]): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const script = `for f in ${batch.map(shellQuote).join(" ")}; do if [ -r "$f" ] && c=$(base64 -w0 < "$f"); then printf 'Y%s\\n' "$c"; else printf 'N\\n'; fi; done`;
    const r = await sh.run(script);
    if (r.rc !== 0) throw new ModuleError(`find: cannot read ${batch.join(", ")}: ${r.stderr.trim()}`, r);
    const lines = r.stdout.split("\n");
    batch.forEach((p, i) => {
      const l = lines[i] ?? "N";
      // An unreadable file matches nothing, as Ansible's contentfilter swallows the error.
      out.set(p, l.startsWith("Y") ? Buffer.from(l.slice(1), "base64") : undefined);
    });
    batch = [];
    bytes = 0;
  };
  for (const f of files) {
    if (bytes + f.size > BATCH_BYTES) await flush();
    batch.push(f.path);
    bytes += f.size;
  }
  await flush();
  return out;
}

async function sha1s(sh: RemoteShell, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await sh.run(`for f in ${paths.map(shellQuote).join(" ")}; do s=$(sha1sum < "$f" 2>/dev/null) && printf '%s\\n' "\${s%% *}" || echo; done`);
  if (r.rc !== 0) throw new ModuleError(`find: cannot checksum: ${r.stderr.trim()}`, r);
  return r.stdout.split("\n").slice(0, paths.length);
}

function entryFilter(args: FindArgs): EntryFilter {
  const compile = (p: string) => {
    if (!args.use_regex) return fnmatcher(p);
    const re = compilePyRegex(p, { mode: "match" });
    return (s: string) => pySearch(re, s) !== null;
  };
  const patterns = args.patterns.length > 0 ? args.patterns : [args.use_regex ? ".*" : "*"];
  return {
    fileType: args.file_type,
    name: nameFilter(patterns.map(compile), (args.excludes ?? []).map(compile)),
    hidden: args.hidden,
    age: args.age,
    ageStamp: args.age_stamp,
    size: args.size,
    depth: args.recurse && args.depth ? args.depth : undefined,
  };
}

async function search(sh: RemoteShell, args: FindArgs): Promise<FindResult> {
  const listing = await list(sh, args);
  const filter = entryFilter(args);
  const skipped: Record<string, string> = {};
  let examined = 0;
  let files: FoundFile[] = [];
  for (const p of listing.paths) {
    if (p.notDir) {
      skipped[p.path] = `'${p.path}' is not a directory`;
      continue;
    }
    if (p.error) skipped[p.path] = p.error;
    examined += p.entries.length;
    for (const e of walkOrder(p.entries)) if (keeps(e, listing.now, filter)) files.push(statInfo(entryPath(p.path, e.rel), e));
  }
  if (args.contains !== undefined && args.file_type === "file") {
    const match = compilePyRegex(args.contains, { mode: "match" });
    const searchRe = compilePyRegex(args.contains);
    const contents = await readContents(sh, files);
    const test = { match: (l: string) => pySearch(match, l) !== null, search: (t: string) => pySearch(searchRe, t) !== null };
    files = files.filter((f) => {
      const bytes = contents.get(f.path);
      return bytes !== undefined && contentMatches(bytes, test, args.read_whole_file);
    });
  }
  if (args.get_checksum) {
    const regular = files.filter((f) => f.isreg);
    const sums = await sha1s(
      sh,
      regular.map((f) => f.path),
    );
    regular.forEach((f, i) => {
      if (sums[i]) f.checksum = sums[i];
    });
  }
  const complete = Object.keys(skipped).length === 0;
  return { files, matched: files.length, examined, msg: complete ? "All paths examined" : "Not all paths examined, check warnings for details", skipped_paths: skipped };
}

export const find = defineReadModule({
  name: "find",
  args: FindArgs,
  doc: {
    summary: "Lists the files under some directories that match names, type, age, size or content, as Ansible's find (patterns are shell globs or Python regular expressions); changes nothing.",
    example: 'const old = await h.find({ paths: "/var/backups/db", patterns: "*.sql.gz", age: "14d" });\nfor (const f of old.files) await h.file({ path: f.path, state: "absent" });',
  },
  read: (ctx, args) => search(ctx.sh, args),
});
