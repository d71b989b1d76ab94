import { z } from "zod";
import { putFile } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import { SEP, first, parseSections } from "./account-state.js";
import { AbsPath } from "./args.js";
import { type PublicKey, editAuthorizedKeys, parseKeyArgument } from "./authorized-keys-file.js";
import { type Change, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { AccountName } from "./users.js";

// authorized_key: a user's public keys, edited like Ansible's module (see authorized-keys-file.ts),
// written atomically, 0600 and owned by the user; its directory 0700 when manage_dir.

const Args = z
  .strictObject({
    user: AccountName.describe("Whose keys: the file is owned by this user (who must exist)."),
    key: z.string().min(1).describe("One key or several, one per line, as in a .pub file or an authorized_keys file."),
    path: AbsPath.optional().describe("The key file; default ~USER/.ssh/authorized_keys."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the keys are in the file; absent: removed from it."),
    exclusive: z.boolean().default(false).describe("Remove every other key (and comment line) from the file."),
    key_options: z
      .string()
      .regex(/^[^\n]+$/, "one line")
      .optional()
      .describe('Options put before every given key, replacing theirs (from="10.0.0.0/8",no-pty).'),
    manage_dir: z
      .boolean()
      .default(true)
      .describe("Create the key file's directory and keep it 0700, owned by the user. Turn it off for a path in a shared directory (/etc/ssh/keys/...)."),
  })
  .superRefine((a, ctx) => {
    try {
      if (parseKeyArgument(a.key, a.key_options).length === 0) ctx.addIssue({ code: "custom", path: ["key"], message: "no key given" });
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["key"], message: (e as Error).message });
    }
  });
type Args = z.output<typeof Args>;

interface Node {
  type: "absent" | "file" | "directory" | "link" | "other";
  owner?: string;
  group?: string;
  mode?: string;
}

export interface AuthorizedKeyState {
  /** Undefined when the user does not exist. */
  owner?: { user: string; group: string };
  path: string;
  dir: Node;
  file: Node;
  content: string;
}

export interface AuthorizedKeyResult {
  user: string;
  path: string;
  state: "present" | "absent";
  /** How many keys were given. */
  keys: number;
  exclusive: boolean;
}

function probeScript(args: Args): string {
  const S = SEP;
  const node = `node() { if [ -L "$1" ]; then echo link; elif [ -d "$1" ]; then stat -c 'directory${S}%U${S}%G${S}%a' "$1"; elif [ -f "$1" ]; then stat -c 'file${S}%U${S}%G${S}%a' "$1"; elif [ -e "$1" ]; then echo other; else echo absent; fi; }`;
  return [
    node,
    `u=${shellQuote(args.user)}`,
    `p=$(getent passwd "$u") && printf 'owner${S}%s${S}%s\\n' "$u" "$(id -gn "$u")"`,
    `f=${args.path ? shellQuote(args.path) : `"$(printf '%s\\n' "$p" | cut -d: -f6)/.ssh/authorized_keys"`}`,
    // The answer is line-based and a path may hold a newline: it travels as base64.
    `printf 'path${S}%s\\n' "$(printf '%s' "$f" | base64 -w0)"`,
    `d=\${f%/*}; printf 'dir${S}%s\\n' "$(node "\${d:-/}")"`,
    `printf 'file${S}%s\\n' "$(node "$f")"`,
    "echo --content--",
    `if [ -f "$f" ] && [ ! -L "$f" ]; then cat "$f" || exit 3; fi`,
  ].join("\n");
}

function parseNode(fields: string[] | undefined): Node {
  const [type = "absent", owner, group, mode] = fields ?? [];
  if (type !== "file" && type !== "directory") return { type: type === "link" || type === "other" ? type : "absent" };
  return { type, ...(owner ? { owner } : {}), ...(group ? { group } : {}), ...(mode ? { mode } : {}) };
}

export function parseProbe(stdout: string): AuthorizedKeyState {
  const cut = stdout.indexOf("--content--\n");
  const s = parseSections(cut < 0 ? stdout : stdout.slice(0, cut));
  const [user, group] = s.get("owner")?.[0] ?? [];
  return {
    ...(user && group ? { owner: { user, group } } : {}),
    path: Buffer.from(first(s, "path") ?? "", "base64").toString("utf8"),
    dir: parseNode(s.get("dir")?.[0]),
    file: parseNode(s.get("file")?.[0]),
    content: cut < 0 ? "" : stdout.slice(cut + "--content--\n".length),
  };
}

/** Attribute fixes needed on a node: "mode 644 -> 600" style phrases. */
function attrFixes(what: string, n: Node, want: { user: string; group: string; mode: string }): string[] {
  if (n.type === "absent") return [];
  const out: string[] = [];
  if (n.owner !== want.user) out.push(`${what} owner ${n.owner} -> ${want.user}`);
  if (n.group !== want.group) out.push(`${what} group ${n.group} -> ${want.group}`);
  if (n.mode !== undefined && Number.parseInt(n.mode, 8) !== Number.parseInt(want.mode, 8)) out.push(`${what} mode ${n.mode.padStart(4, "0")} -> ${want.mode}`);
  return out;
}

interface Plan {
  content: string;
  contentChanged: boolean;
  makeDir: boolean;
  dirFixes: string[];
  fileFixes: string[];
}

function plan(args: Args, st: AuthorizedKeyState, owner: { user: string; group: string }): Plan {
  const keys: PublicKey[] = parseKeyArgument(args.key, args.key_options);
  if (st.file.type === "link" || st.file.type === "other" || st.file.type === "directory") {
    throw new ModuleError(`${st.path} is a ${st.file.type}, not a regular file; refusing to replace it`);
  }
  if (args.state === "absent" && st.file.type === "absent") return { content: "", contentChanged: false, makeDir: false, dirFixes: [], fileFixes: [] };
  const content = editAuthorizedKeys(st.content, keys, args.state, args.exclusive);
  const manageDir = args.manage_dir && args.state === "present";
  if (manageDir && st.dir.type !== "absent" && st.dir.type !== "directory") throw new ModuleError(`${st.path}: its directory is a ${st.dir.type}`);
  return {
    content,
    contentChanged: st.file.type === "absent" || content !== st.content,
    makeDir: manageDir && st.dir.type === "absent",
    dirFixes: manageDir ? attrFixes(".ssh", st.dir, { ...owner, mode: "0700" }) : [],
    fileFixes: attrFixes("file", st.file, { ...owner, mode: "0600" }),
  };
}

export const authorized_key = defineModule({
  name: "authorized_key",
  args: Args,
  doc: {
    summary: "A user's SSH public keys in their authorized_keys file, edited as Ansible's authorized_key edits it; the file written whole, 0600 and owned by the user.",
    example: 'await h.authorized_key({ user: "deploy", key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.org" });',
    check: "Supported: reports what would change. A user that does not exist yet is taken, in check mode, to come from an earlier task (reported as a change); in a normal run it fails the task.",
    diff: "The key file's content before and after.",
  },
  async probe(ctx, args) {
    const r = await ctx.sh.run(probeScript(args));
    if (r.rc === 3) throw new ModuleError(`cannot read the key file of ${args.user} (run the task with become): ${r.stderr.trim()}`, r);
    if (r.rc !== 0) throw new ModuleError(`cannot inspect the key file of ${args.user}: ${r.stderr.trim()}`, r);
    return parseProbe(r.stdout);
  },
  diff(args, st, ctx): Change | undefined {
    if (!st.owner) {
      // In check mode the user may come from an earlier task that did not run.
      if (ctx.check && args.state === "present") return { summary: `user ${args.user} does not exist yet` };
      if (args.state === "absent") return undefined;
      throw new ModuleError(`user ${args.user} does not exist`);
    }
    const p = plan(args, st, st.owner);
    const phrases = [...(p.makeDir ? [`create ${st.path.replace(/\/[^/]*$/, "")}`] : []), ...p.dirFixes, ...(p.contentChanged ? [st.file.type === "absent" ? `create ${st.path}` : "keys"] : []), ...p.fileFixes];
    if (phrases.length === 0) return undefined;
    const diffs: TextDiff[] = p.contentChanged ? [{ label: st.path, before: st.content, after: p.content }] : [];
    return { summary: phrases.join(", "), diffs };
  },
  async apply(ctx, args, st): Promise<AuthorizedKeyResult> {
    const owner = st.owner;
    if (!owner) throw new ModuleError(`user ${args.user} does not exist`);
    const p = plan(args, st, owner);
    const chown = shellQuote(`${owner.user}:${owner.group}`);
    if (p.makeDir || p.dirFixes.length) {
      const d = shellQuote(st.path.replace(/\/[^/]*$/, "") || "/");
      const r = await ctx.sh.run(`set -e\nmkdir -p -- ${d}\nchown ${chown} ${d}\nchmod 0700 ${d}`);
      if (r.rc !== 0) throw new ModuleError(`${st.path}: ${r.stderr.trim()}`, r);
    }
    if (p.contentChanged) {
      await putFile(ctx.sh, st.path, p.content, { mode: "0600", owner: owner.user, group: owner.group });
    } else if (p.fileFixes.length) {
      const f = shellQuote(st.path);
      const r = await ctx.sh.run(`set -e\nchown ${chown} ${f}\nchmod 0600 ${f}`);
      if (r.rc !== 0) throw new ModuleError(`${st.path}: ${r.stderr.trim()}`, r);
    }
    return result(args, st);
  },
  unchanged: (args, st) => result(args, st),
});

function result(args: Args, st: AuthorizedKeyState): AuthorizedKeyResult {
  return { user: args.user, path: st.path, state: args.state, keys: parseKeyArgument(args.key, args.key_options).length, exclusive: args.exclusive };
}
