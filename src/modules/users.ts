import { z } from "zod";
import { shellJoin, shellQuote } from "../remote/quote.js";
import { type GroupEntry, type PasswdEntry, SEP, first, parseGroupLine, parsePasswdLine, parseSections } from "./account-state.js";
import { AbsPath } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";

// group and user through the shadow utilities (groupadd, useradd, usermod, chpasswd...), which
// every Debian and Ubuntu image has. Probes read NSS (getent), as Ansible's modules do.

/** A name useradd/groupadd accept, and that no argv could take for an option (no leading - or digit). */
export const AccountName = z
  .string()
  .max(32)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, "a user or group name (letters, digits, _ . -; not starting with a digit or -)");

/** A group by name or by gid. */
const GroupRef = z.union([AccountName, z.number().int().min(0)]);
type GroupRef = z.infer<typeof GroupRef>;

/** What useradd/usermod would store in a passwd field: no ':' nor newline. */
const PasswdField = z.string().regex(/^[^:\n]*$/, "may not contain ':' or a newline");

/**
 * An already-hashed crypt(3) string, as Ansible's `password` (hash with the password_hash
 * filter), or a locked marker ("!", "*", "!$6$..."). A cleartext password given by mistake would
 * otherwise be stored as the hash and lock the account, so it is refused.
 */
const CryptHash = z
  .string()
  .regex(/^(!*\$[A-Za-z0-9]+\$[^:\n]+|!+|\*)$/, "a crypt(3) hash such as $6$salt$... or $y$... (hash it with password_hash), or '!' to lock");

// ---------------------------------------------------------------------------------------------
// group

const GroupArgs = z.strictObject({
  name: AccountName.describe("The group's name."),
  gid: z.number().int().min(0).optional().describe("Its numeric id; omitted: chosen at creation, left as it is afterwards."),
  system: z.boolean().default(false).describe("Create it as a system group (a gid below 1000); not changed on an existing group."),
  state: z.enum(["present", "absent"]).default("present").describe("present: the group exists; absent: removed."),
});

export interface GroupResult {
  name: string;
  state: "present" | "absent";
  gid?: number;
  system: boolean;
}

const groupText = (e: { gid?: number | undefined } | undefined) =>
  e ? `state: present\n${e.gid !== undefined ? `gid: ${e.gid}\n` : ""}` : "state: absent\n";

export const group = defineModule({
  name: "group",
  args: GroupArgs,
  doc: {
    summary: "A local group and its gid (groupadd, groupmod, groupdel).",
    example: 'await h.group({ name: "deploy", gid: 1500 });',
    diff: "The group's existence and gid before and after.",
  },
  async probe(ctx, args): Promise<{ entry?: GroupEntry }> {
    const r = await ctx.sh.run(`getent group -- ${shellQuote(args.name)} || true`);
    const entry = parseGroupLine(r.stdout.split("\n")[0] ?? "");
    return entry ? { entry } : {};
  },
  diff(args, { entry }): Change | undefined {
    const change = (summary: string, after: { gid?: number | undefined } | undefined): Change => ({
      summary,
      diffs: [{ label: `group ${args.name}`, before: groupText(entry), after: groupText(after) }],
    });
    if (args.state === "absent") return entry ? change("remove group", undefined) : undefined;
    if (!entry) return change(`create group${args.gid !== undefined ? ` gid ${args.gid}` : ""}`, { gid: args.gid });
    if (args.gid !== undefined && args.gid !== entry.gid) return change(`gid ${entry.gid} -> ${args.gid}`, { gid: args.gid });
    return undefined;
  },
  async apply(ctx, args, { entry }): Promise<GroupResult> {
    const n = shellQuote(args.name);
    const gid = args.gid !== undefined ? ["-g", String(args.gid)] : [];
    const cmd =
      args.state === "absent"
        ? `groupdel ${n}`
        : entry
          ? shellJoin(["groupmod", ...gid, args.name])
          : shellJoin(["groupadd", ...gid, ...(args.system ? ["-r"] : []), args.name]);
    const r = await ctx.sh.run(`set -e\n${cmd}\ngetent group ${n} || true`);
    if (r.rc !== 0) throw new ModuleError(`group ${args.name}: ${r.stderr.trim()}`, r);
    const now = parseGroupLine(r.stdout.split("\n")[0] ?? "");
    return { name: args.name, state: args.state, ...(now ? { gid: now.gid } : {}), system: args.system };
  },
  unchanged(args, { entry }): GroupResult {
    return { name: args.name, state: args.state, ...(entry ? { gid: entry.gid } : {}), system: args.system };
  },
});

// ---------------------------------------------------------------------------------------------
// user

const UserArgs = z.strictObject({
  name: AccountName.describe("The user's name."),
  state: z.enum(["present", "absent"]).default("present").describe("present: the account exists as described; absent: removed."),
  uid: z.number().int().min(0).optional().describe("Its numeric id; omitted: chosen at creation, left as it is afterwards."),
  group: GroupRef.optional().describe("The primary group (a name or a gid); it must exist. Default at creation: a group named after the user."),
  groups: z
    .union([z.array(GroupRef), z.string().transform((s) => s.split(",").map((g) => g.trim()).filter((g) => g !== "")).pipe(z.array(AccountName))])
    .optional()
    .describe('Supplementary groups (a list, or comma-separated as Ansible reads it: "docker, adm"; "" none); they must exist. Without append: exactly these.'),
  append: z.boolean().default(false).describe("Add groups to the user's groups instead of making them exactly groups."),
  shell: AbsPath.optional().describe("The login shell."),
  home: AbsPath.optional().describe("The home directory. A changed home is not moved: the account's entry changes, and with create_home a missing directory is created."),
  create_home: z.boolean().default(true).describe("Create the home directory (from /etc/skel) when the user is created or it is missing."),
  system: z.boolean().default(false).describe("Create it as a system account (a uid below 1000); not changed on an existing user."),
  comment: PasswdField.optional().describe("The GECOS field (the full name)."),
  password: CryptHash.optional().describe(
    "An already-hashed crypt(3) password ($6$..., $y$...), or \"!\" to lock; a cleartext password is refused. Never shown; given to chpasswd -e on its standard input.",
  ),
  update_password: z.enum(["always", "on_create"]).default("always").describe("always: the password is set when it differs; on_create: only when the user is created."),
  remove: z.boolean().default(false).describe("state=absent: remove the home directory and mail spool too (userdel -r)."),
  force: z.boolean().default(false).describe("state=absent: remove the user even while logged in (userdel -f)."),
});
type UserArgs = z.output<typeof UserArgs>;

export interface UserState {
  user?: PasswdEntry;
  /** The primary group's name (id -gn). */
  primary?: string;
  /** Every group the user is in, primary included (id -Gn). */
  groups: string[];
  homeExists: boolean;
  /** The current password hash: probed only when a password is given, and never reported. */
  hash?: string;
  shadowUnreadable: boolean;
  /** Each group named in args (by name or gid, as given) -> its entry, absent when none. */
  refs: Map<string, GroupEntry | undefined>;
}

export interface UserResult {
  name: string;
  state: "present" | "absent";
  uid?: number;
  group?: string;
  /** Supplementary groups. */
  groups?: string[];
  home?: string;
  shell?: string;
  comment?: string;
  system: boolean;
  /** Present when a password was given: never the hash itself. */
  password?: "NOT_LOGGING_PASSWORD";
}

// Without a primary group, a group named after the user is probed too: useradd must join it
// (-g) rather than fail trying to create it.
const refsOf = (args: Pick<UserArgs, "name" | "group" | "groups">): string[] =>
  [...new Set([args.group ?? args.name, ...(args.groups ?? [])].map(String))];

/** One round trip: the requested groups, the passwd entry, group names, home, and (if asked) the hash. */
export function userProbeScript(args: Pick<UserArgs, "name" | "group" | "groups" | "password" | "home">): string {
  const S = SEP;
  return [
    `for g in ${refsOf(args).map(shellQuote).join(" ")}; do printf 'ref${S}%s${S}%s\\n' "$g" "$(getent group "$g")"; done`,
    `u=${shellQuote(args.name)}`,
    `p=$(getent passwd "$u") || exit 0`,
    `printf 'passwd${S}%s\\n' "$p"`,
    `printf 'primary${S}%s\\n' "$(id -gn "$u")"`,
    `printf 'groups${S}%s\\n' "$(id -Gn "$u")"`,
    `h=${args.home ? shellQuote(args.home) : `$(printf '%s\\n' "$p" | cut -d: -f6)`}`,
    `[ -d "$h" ] && printf 'home${S}yes\\n'`,
    ...(args.password !== undefined
      ? [`if s=$(getent shadow "$u" 2>/dev/null); then printf 'hash${S}%s\\n' "$(printf '%s\\n' "$s" | cut -d: -f2)"; else printf 'hash-unreadable\\n'; fi`]
      : []),
    "exit 0",
  ].join("\n");
}

export function parseUserProbe(stdout: string): UserState {
  const s = parseSections(stdout);
  const refs = new Map<string, GroupEntry | undefined>();
  for (const [ref = "", line = ""] of s.get("ref") ?? []) refs.set(ref, parseGroupLine(line));
  const user = parsePasswdLine(first(s, "passwd") ?? "");
  const primary = first(s, "primary");
  const hash = first(s, "hash");
  return {
    ...(user ? { user } : {}),
    ...(primary ? { primary } : {}),
    groups: (first(s, "groups") ?? "").split(" ").filter(Boolean),
    homeExists: s.has("home"),
    ...(hash !== undefined ? { hash } : {}),
    shadowUnreadable: s.has("hash-unreadable"),
    refs,
  };
}

/** A group's name; in check mode a missing group is taken to come from an earlier task. */
function resolve(st: UserState, ref: GroupRef, check: boolean): string {
  const e = st.refs.get(String(ref));
  if (e) return e.name;
  if (check) return String(ref);
  throw new ModuleError(`group ${ref} does not exist (create it with the group module first)`);
}

/** What user must change, as short phrases, plus the usermod-ready values. Pure. */
export interface UserPlan {
  changes: string[];
  /** Supplementary groups to pass to usermod -G (with -a when appending), or undefined. */
  groups?: string[];
  primary?: string;
  setPassword: boolean;
  createHome: boolean;
}

export function planUser(args: UserArgs, st: UserState, check = false): UserPlan {
  const own = !st.user && args.group === undefined ? st.refs.get(args.name)?.name : undefined;
  const primary = args.group !== undefined ? resolve(st, args.group, check) : own;
  const wanted = args.groups?.map((g) => resolve(st, g, check));
  const u = st.user;
  if (!u) {
    return {
      changes: ["create user"],
      ...(primary ? { primary } : {}),
      ...(wanted ? { groups: [...new Set(wanted)].filter((g) => g !== primary) } : {}),
      setPassword: args.password !== undefined,
      createHome: args.create_home,
    };
  }
  const changes: string[] = [];
  if (args.uid !== undefined && args.uid !== u.uid) changes.push(`uid ${u.uid} -> ${args.uid}`);
  if (primary !== undefined && primary !== st.primary) changes.push(`group ${st.primary ?? u.gid} -> ${primary}`);
  let groups: string[] | undefined;
  if (wanted) {
    const newPrimary = primary ?? st.primary;
    const current = st.groups.filter((g) => g !== st.primary && g !== newPrimary);
    const want = [...new Set(wanted)].filter((g) => g !== newPrimary);
    if (args.append) {
      const missing = want.filter((g) => !current.includes(g));
      if (missing.length) {
        changes.push(`add to ${missing.join(", ")}`);
        groups = missing;
      }
    } else if (want.length !== current.length || want.some((g) => !current.includes(g))) {
      changes.push(`groups ${current.join(",") || "(none)"} -> ${want.join(",") || "(none)"}`);
      groups = want;
    }
  }
  if (args.shell !== undefined && args.shell !== u.shell) changes.push(`shell ${u.shell} -> ${args.shell}`);
  if (args.home !== undefined && args.home !== u.home) changes.push(`home ${u.home} -> ${args.home}`);
  if (args.comment !== undefined && args.comment !== u.comment) changes.push(`comment ${JSON.stringify(u.comment)} -> ${JSON.stringify(args.comment)}`);
  let setPassword = false;
  if (args.password !== undefined && args.update_password === "always") {
    if (st.shadowUnreadable) throw new ModuleError(`cannot read the password hash of ${args.name} from /etc/shadow (run the task with become)`);
    if (st.hash !== args.password) {
      changes.push("password");
      setPassword = true;
    }
  }
  const createHome = args.create_home && !st.homeExists;
  if (createHome) changes.push(`create home ${args.home ?? u.home}`);
  return { changes, ...(groups ? { groups } : {}), ...(primary ? { primary } : {}), setPassword, createHome };
}

/** The account as --diff shows it: never the password. */
function userText(u: Partial<Pick<UserResult, "uid" | "group" | "groups" | "home" | "shell" | "comment">> | undefined): string {
  if (!u) return "state: absent\n";
  const lines = ["state: present"];
  if (u.uid !== undefined) lines.push(`uid: ${u.uid}`);
  if (u.group !== undefined) lines.push(`group: ${u.group}`);
  if (u.groups !== undefined) lines.push(`groups: ${u.groups.join(",")}`);
  if (u.home !== undefined) lines.push(`home: ${u.home}`);
  if (u.shell !== undefined) lines.push(`shell: ${u.shell}`);
  if (u.comment !== undefined) lines.push(`comment: ${u.comment}`);
  return `${lines.join("\n")}\n`;
}

function currentView(st: UserState): Parameters<typeof userText>[0] {
  const u = st.user;
  if (!u) return undefined;
  return { uid: u.uid, group: st.primary, groups: st.groups.filter((g) => g !== st.primary), home: u.home, shell: u.shell, comment: u.comment };
}

function wantedView(args: UserArgs, st: UserState, plan: UserPlan): Parameters<typeof userText>[0] {
  const now = currentView(st) ?? {};
  const groups = plan.groups === undefined ? now.groups : args.append ? [...(now.groups ?? []), ...plan.groups] : plan.groups;
  return {
    ...now,
    ...(args.uid !== undefined ? { uid: args.uid } : {}),
    ...(plan.primary ? { group: plan.primary } : {}),
    ...(groups ? { groups } : {}),
    ...(args.home !== undefined ? { home: args.home } : {}),
    ...(args.shell !== undefined ? { shell: args.shell } : {}),
    ...(args.comment !== undefined ? { comment: args.comment } : {}),
  };
}

function userResult(args: UserArgs, st: UserState): UserResult {
  const base = { name: args.name, system: args.system, ...(args.password !== undefined ? { password: "NOT_LOGGING_PASSWORD" as const } : {}) };
  const u = st.user;
  if (!u) return { ...base, state: "absent" };
  return {
    ...base,
    state: "present",
    uid: u.uid,
    ...(st.primary ? { group: st.primary } : {}),
    groups: st.groups.filter((g) => g !== st.primary),
    home: u.home,
    shell: u.shell,
    comment: u.comment,
  };
}

/** The shadow-utils commands for a plan. The password goes to chpasswd -e on stdin, never argv. */
function userCommands(args: UserArgs, st: UserState, plan: UserPlan): string[] {
  const opts: string[] = [];
  if (args.uid !== undefined && args.uid !== st.user?.uid) opts.push("-u", String(args.uid));
  if (plan.primary && plan.primary !== st.primary) opts.push("-g", plan.primary);
  if (args.shell !== undefined && args.shell !== st.user?.shell) opts.push("-s", args.shell);
  if (args.home !== undefined && args.home !== st.user?.home) opts.push("-d", args.home);
  if (args.comment !== undefined && args.comment !== st.user?.comment) opts.push("-c", args.comment);
  const cmds: string[] = [];
  if (!st.user) {
    if (plan.groups?.length) opts.push("-G", plan.groups.join(","));
    opts.push(args.create_home ? "-m" : "-M", ...(args.system ? ["-r"] : []));
    cmds.push(shellJoin(["useradd", ...opts, args.name]));
  } else {
    if (plan.groups !== undefined) opts.push(...(args.append ? ["-a"] : []), "-G", plan.groups.join(","));
    if (opts.length) cmds.push(shellJoin(["usermod", ...opts, args.name]));
    if (plan.createHome) {
      // Like useradd -m: /etc/skel copied, owned by the user, HOME_MODE of login.defs (else 0755).
      const grp = plan.primary ?? st.primary ?? String(st.user.gid);
      cmds.push(
        `h=${shellQuote(args.home ?? st.user.home)}`,
        `m=$(awk '$1 == "HOME_MODE" { print $2 }' /etc/login.defs 2>/dev/null); m=\${m:-0755}`,
        `mkdir -p -- "$h"; chmod "$m" "$h"; cp -a /etc/skel/. "$h"/ 2>/dev/null || true`,
        `chown -R -- ${shellQuote(`${args.name}:${grp}`)} "$h"`,
      );
    }
  }
  if (plan.setPassword) cmds.push("chpasswd -e");
  return cmds;
}

export const user = defineModule({
  name: "user",
  args: UserArgs,
  doc: {
    summary: "A local user account: uid, primary and supplementary groups, shell, home, comment and password hash (useradd, usermod, chpasswd, userdel).",
    example: 'await h.user({ name: "deploy", group: "deploy", groups: ["www-data"], append: true, shell: "/bin/bash" });',
    check: "Supported: reports what would change. A group that does not exist yet is taken, in check mode, to come from an earlier task; in a normal run it fails the task.",
    diff: "The account before and after: uid, groups, home, shell and comment (never the password).",
  },
  async probe(ctx: ModuleContext, args) {
    const r = await ctx.sh.run(userProbeScript(args));
    // Not the output in the error: it may hold the password hash.
    if (r.rc !== 0) throw new ModuleError(`cannot read user ${args.name}: ${r.stderr.trim()}`);
    return parseUserProbe(r.stdout);
  },
  diff(args, st, ctx): Change | undefined {
    const label = `user ${args.name}`;
    if (args.state === "absent") {
      if (!st.user) return undefined;
      return { summary: `remove user${args.remove ? " and home" : ""}`, diffs: [{ label, before: userText(currentView(st)), after: userText(undefined) }] };
    }
    const plan = planUser(args, st, ctx.check);
    if (plan.changes.length === 0) return undefined;
    return { summary: plan.changes.join(", "), diffs: [{ label, before: userText(currentView(st)), after: userText(wantedView(args, st, plan)) }] };
  },
  async apply(ctx, args, st): Promise<UserResult> {
    if (args.state === "absent") {
      const r = await ctx.sh.run(shellJoin(["userdel", ...(args.remove ? ["-r"] : []), ...(args.force ? ["-f"] : []), args.name]));
      // userdel -r warns (rc 12) when there was no home or mail spool to remove: the user is gone.
      if (r.rc !== 0 && !(r.rc === 12 && args.remove)) throw new ModuleError(`userdel ${args.name}: ${r.stderr.trim()}`, r);
      const { user: _removed, ...gone } = st;
      return userResult(args, gone);
    }
    const plan = planUser(args, st);
    const after = userProbeScript({ ...args, password: undefined });
    const script = ["set -e", ...userCommands(args, st, plan), "set +e", after].join("\n");
    const r = await ctx.sh.run(script, plan.setPassword ? { stdin: `${args.name}:${args.password}\n` } : {});
    if (r.rc !== 0) throw new ModuleError(`user ${args.name}: ${r.stderr.trim()}`, r);
    return userResult(args, parseUserProbe(r.stdout));
  },
  unchanged: (args, st) => userResult(args, st),
});
