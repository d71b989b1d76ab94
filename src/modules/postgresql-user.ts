import { z } from "zod";
import { type Change, defineModule } from "./contract.js";
import { PgError, PgLoginArgs, queryJson, runPsql } from "./postgres-client.js";
import { NO_SERVER_CHECK, probeUnlessUnavailable } from "./database-error.js";
import { passwordMatches, pgIdent, pgString, storedPassword } from "./postgres-sql.js";

// postgresql_user (community.postgresql): a role (LOGIN by default), its password, attribute
// flags, expiry, connection limit and comment. The password is compared without changing it: a
// stored md5 hash is recomputed, a stored SCRAM secret verified with its own salt (scramMatches),
// so a second run is changed=0 with either password_encryption. The new password is hashed here,
// in the server's password_encryption, and sent as a hash: its plain text never reaches the
// server's statement log. The deprecated `priv` and `configuration` are not supported.

/** Ansible's role attribute flags, and the pg_roles columns that hold them. */
const FLAG_COLUMNS = {
  SUPERUSER: "rolsuper",
  CREATEROLE: "rolcreaterole",
  CREATEDB: "rolcreatedb",
  INHERIT: "rolinherit",
  LOGIN: "rolcanlogin",
  REPLICATION: "rolreplication",
  BYPASSRLS: "rolbypassrls",
} as const;
type Flag = keyof typeof FLAG_COLUMNS;
const FLAGS = Object.keys(FLAG_COLUMNS) as Flag[];
const isFlag = (s: string): s is Flag => Object.hasOwn(FLAG_COLUMNS, s);

/** "CREATEDB,NOSUPERUSER" -> { CREATEDB: true, SUPERUSER: false }; throws on an unknown or contradictory flag. */
export function parseRoleAttrFlags(s: string): Partial<Record<Flag, boolean>> {
  const out: Partial<Record<Flag, boolean>> = {};
  for (const raw of s.split(",")) {
    const word = raw.trim().toUpperCase();
    if (word === "") continue;
    const flag = isFlag(word) ? word : word.startsWith("NO") && isFlag(word.slice(2)) ? word.slice(2) : undefined;
    if (flag === undefined || !isFlag(flag)) throw new Error(`invalid role_attr_flags: ${raw.trim()} (valid: ${FLAGS.join(", ")}, each also with NO)`);
    const value = flag === word;
    if (out[flag] !== undefined && out[flag] !== value) throw new Error(`role_attr_flags has both ${flag} and NO${flag}`);
    out[flag] = value;
  }
  return out;
}

const UserArgs = z
  .strictObject({
    name: z.string().min(1).max(63).describe("The role (a user: LOGIN unless role_attr_flags says NOLOGIN)."),
    password: z
      .string()
      .optional()
      .describe('The password: plain (hashed here in the server\'s password_encryption, so its text never reaches the server\'s log), or an md5/SCRAM hash used as it is; "" removes it; never shown.'),
    encrypted: z.boolean().default(true).describe("Accepted for Ansible's sake; false is refused (PostgreSQL 10 and later store no plain passwords)."),
    role_attr_flags: z
      .string()
      .default("")
      .describe("Attributes, comma-separated, each also with NO: SUPERUSER, CREATEROLE, CREATEDB, INHERIT, LOGIN, REPLICATION, BYPASSRLS (e.g. CREATEDB,NOSUPERUSER)."),
    expires: z.string().min(1).optional().describe('When the password expires: a timestamp the server understands ("2030-01-01", "infinity").'),
    conn_limit: z.number().int().min(-1).optional().describe("The role's connection limit; -1: none."),
    db: z.string().default("").describe('The database to connect to; "": libpq\'s default (the login user\'s name).'),
    no_password_changes: z.boolean().default(false).describe("An existing role's password is neither compared nor changed."),
    comment: z.string().optional().describe("The role's comment; omitted: left as it is."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the role exists as described; absent: dropped."),
    fail_on_user: z.boolean().default(true).describe("absent: a role that cannot be dropped (it owns objects) fails the task; false: reported, not failed."),
    ...PgLoginArgs,
  })
  .superRefine((a, ctx) => {
    try {
      parseRoleAttrFlags(a.role_attr_flags);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["role_attr_flags"], message: e instanceof Error ? e.message : String(e) });
    }
    if (!a.encrypted) ctx.addIssue({ code: "custom", path: ["encrypted"], message: "encrypted: false is not supported (PostgreSQL 10 and later store no plain-text passwords)" });
    if (a.name.toUpperCase() === "PUBLIC") ctx.addIssue({ code: "custom", path: ["name"], message: "PUBLIC is not a role that can be created or altered" });
  });
type UserArgs = z.output<typeof UserArgs>;

const RoleInfo = z.object({
  flags: z.record(z.string(), z.boolean()),
  conn_limit: z.number(),
  valid_until: z.string().nullable(),
  comment: z.string().nullable(),
});

const Settings = z.object({
  encryption: z.string(),
  iterations: z.number().int().positive(),
  /** The wanted expiry as the server reads it, to compare with valid_until. */
  want_valid_until: z.string().nullable(),
});

/** The stored password: readable (only superusers can read pg_authid) or not. */
const Authid = z.union([z.object({ readable: z.literal(true), password: z.string().nullable() }), z.object({ readable: z.literal(false) })]);

export interface UserState {
  unavailable?: true;
  role: z.output<typeof RoleInfo> | null;
  settings: z.output<typeof Settings>;
  authid: z.output<typeof Authid>;
}

export interface UserResult {
  user: string;
  /** The statements run, the password in them as ********. */
  queries: string[];
  /** state=absent: whether the role was dropped (false when it could not be and fail_on_user is false). */
  user_removed?: boolean;
  password_changed: boolean;
}

/** The probe's SQL: the role, the password settings, and the stored password when readable. */
export function userProbeSql(args: UserArgs): string {
  const name = pgString(args.name);
  const flags = FLAGS.map((f) => `'${f}', ${FLAG_COLUMNS[f]}`).join(", ");
  const want = args.expires !== undefined ? `to_json(${pgString(args.expires)}::timestamptz)` : "NULL::json";
  return [
    `SELECT coalesce((SELECT json_build_object('flags', json_build_object(${flags}), 'conn_limit', rolconnlimit, 'valid_until', to_json(rolvaliduntil), 'comment', shobj_description(oid, 'pg_authid')) FROM pg_roles WHERE rolname = ${name}), 'null'::json);`,
    `SELECT json_build_object('encryption', current_setting('password_encryption'), 'iterations', coalesce(current_setting('scram_iterations', true), '4096')::int, 'want_valid_until', ${want});`,
    // pg_authid is for superusers only; \\if keeps one round trip without an error for the others.
    `SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS dcv_authid \\gset`,
    `\\if :dcv_authid`,
    `SELECT json_build_object('readable', true, 'password', (SELECT rolpassword FROM pg_authid WHERE rolname = ${name}));`,
    `\\else`,
    `SELECT json_build_object('readable', false);`,
    `\\endif`,
    "",
  ].join("\n");
}

export function parseUserProbe(values: readonly unknown[]): UserState {
  return { role: values[0] === null ? null : RoleInfo.parse(values[0]), settings: Settings.parse(values[1]), authid: Authid.parse(values[2]) };
}

/** What must change, decided from args and state alone. */
export interface UserPlan {
  /** Statement texts with "$PASSWORD" where the password literal goes. */
  statements: string[];
  summary: string[];
  passwordChanging: boolean;
  flagsAfter: Record<string, boolean>;
}

const PASSWORD_MARK = "$PASSWORD";

export function planUser(args: UserArgs, st: UserState): UserPlan {
  const user = pgIdent(args.name);
  const wanted = parseRoleAttrFlags(args.role_attr_flags);
  const plan: UserPlan = { statements: [], summary: [], passwordChanging: false, flagsAfter: { ...(st.role?.flags ?? {}) } };
  if (args.state === "absent") {
    if (st.role) {
      plan.statements.push(`DROP USER ${user}`);
      plan.summary.push("drop user");
    }
    return plan;
  }
  const flagWords = (flags: Partial<Record<Flag, boolean>>) => FLAGS.filter((f) => flags[f] !== undefined).map((f) => (flags[f] ? f : `NO${f}`));
  const pw = args.password;
  if (!st.role) {
    const parts = [`CREATE USER ${user}`];
    if (pw !== undefined && pw !== "") parts.push(`WITH ENCRYPTED PASSWORD ${PASSWORD_MARK}`);
    if (args.expires !== undefined) parts.push(`VALID UNTIL ${pgString(args.expires)}`);
    if (args.conn_limit !== undefined) parts.push(`CONNECTION LIMIT ${args.conn_limit}`);
    parts.push(...flagWords(wanted));
    plan.statements.push(parts.join(" "));
    plan.summary.push("create user");
    plan.passwordChanging = pw !== undefined && pw !== "";
    // CREATE USER: LOGIN and INHERIT unless told otherwise, the rest off.
    plan.flagsAfter = Object.fromEntries(FLAGS.map((f) => [f, wanted[f] ?? (f === "LOGIN" || f === "INHERIT")]));
  } else {
    const alter: string[] = [];
    // Not readable (not a superuser): like Ansible, assume the password differs.
    const stored = st.authid.readable ? st.authid.password : undefined;
    if (pw !== undefined && !args.no_password_changes && (stored === undefined || !passwordMatches(stored, pw, args.name))) {
      alter.push(pw === "" ? "PASSWORD NULL" : `ENCRYPTED PASSWORD ${PASSWORD_MARK}`);
      plan.summary.push(pw === "" ? "password removed" : "password");
      plan.passwordChanging = true;
    }
    const changedFlags = FLAGS.filter((f) => wanted[f] !== undefined && wanted[f] !== st.role?.flags[f]);
    if (changedFlags.length > 0) {
      alter.push(...flagWords(Object.fromEntries(changedFlags.map((f) => [f, wanted[f]]))));
      plan.summary.push(...changedFlags.map((f) => (wanted[f] ? f : `NO${f}`)));
      for (const f of changedFlags) plan.flagsAfter[f] = wanted[f] === true;
    }
    if (args.expires !== undefined && st.settings.want_valid_until !== st.role.valid_until) {
      alter.push(`VALID UNTIL ${pgString(args.expires)}`);
      plan.summary.push(`expires ${args.expires}`);
    }
    if (args.conn_limit !== undefined && args.conn_limit !== st.role.conn_limit) {
      alter.push(`CONNECTION LIMIT ${args.conn_limit}`);
      plan.summary.push(`conn_limit ${st.role.conn_limit} -> ${args.conn_limit}`);
    }
    if (alter.length > 0) plan.statements.push(`ALTER USER ${user} WITH ${alter.join(" ")}`);
  }
  if (args.comment !== undefined && args.comment !== (st.role?.comment ?? "")) {
    plan.statements.push(`COMMENT ON ROLE ${user} IS ${args.comment === "" ? "NULL" : pgString(args.comment)}`);
    if (st.role) plan.summary.push("comment");
  }
  return plan;
}

/** The role as --diff text; the password only as whether there is one. */
function userText(present: boolean, flags: Record<string, boolean>, password: string, validUntil: string | null, connLimit: number, comment: string | null): string {
  if (!present) return "state: absent\n";
  const words = FLAGS.map((f) => (flags[f] ? f : `NO${f}`)).join(" ");
  return `state: present\nattributes: ${words}\npassword: ${password}\nvalid_until: ${validUntil ?? "(none)"}\nconn_limit: ${connLimit}\ncomment: ${JSON.stringify(comment ?? "")}\n`;
}

function passwordText(st: UserState): string {
  if (!st.authid.readable) return "(not readable)";
  return st.authid.password === null ? "none" : "set";
}

export const postgresql_user = defineModule({
  name: "postgresql_user",
  doc: {
    summary:
      "A PostgreSQL role: its password (compared without being changed: md5 recomputed, SCRAM verified with its own salt), attribute flags, expiry, connection limit and comment.",
    example: 'await h.postgresql_user({ name: "app", password: v.app_db_password, role_attr_flags: "CREATEDB,NOSUPERUSER" }, { become: "postgres" });',
    check: `Supported: reports what would change. ${NO_SERVER_CHECK}`,
    diff: 'The role before and after: its attributes, whether it has a password ("set", never the password), expiry, connection limit and comment.',
  },
  // The server may be another host's (login_host) or a replica of one: other hosts' tasks change it.
  probeScope: "shared",
  args: UserArgs,
  async probe(ctx, args): Promise<UserState> {
    const what = `user ${args.name}: reading the role`;
    const values = await probeUnlessUnavailable(ctx.check, () => queryJson(ctx.sh, args, args.db || undefined, userProbeSql(args), { what }));
    if (!values) return { unavailable: true, role: null, settings: { encryption: "", iterations: 4096, want_valid_until: null }, authid: { readable: false } };
    try {
      return parseUserProbe(values);
    } catch (e) {
      if (e instanceof z.ZodError) throw new PgError(`${what}: unexpected answer from the server`);
      throw e;
    }
  },
  diff(args, st): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const plan = planUser(args, st);
    if (plan.statements.length === 0) return undefined;
    const r = st.role;
    const before = userText(r !== null, r?.flags ?? {}, passwordText(st), r?.valid_until ?? null, r?.conn_limit ?? -1, r?.comment ?? null);
    const pwAfter = plan.passwordChanging ? (args.password === "" ? "none" : "(new password)") : r ? passwordText(st) : "none";
    const after = userText(
      args.state === "present",
      plan.flagsAfter,
      pwAfter,
      args.expires !== undefined ? (st.settings.want_valid_until ?? args.expires) : (r?.valid_until ?? null),
      args.conn_limit ?? r?.conn_limit ?? -1,
      args.comment ?? r?.comment ?? null,
    );
    return { summary: plan.summary.join(", "), diffs: [{ label: `user ${args.name}`, before, after }] };
  },
  async apply(ctx, args, st): Promise<UserResult> {
    const plan = planUser(args, st);
    const hash = plan.passwordChanging && args.password ? storedPassword(args.password, args.name, st.settings.encryption, st.settings.iterations) : undefined;
    const sql = plan.statements.map((s) => `${hash !== undefined ? s.replace(PASSWORD_MARK, pgString(hash)) : s};\n`).join("");
    const queries = plan.statements.map((s) => s.replace(PASSWORD_MARK, "'********'"));
    const secrets = [args.password, hash].filter((s): s is string => s !== undefined && s !== "");
    try {
      await runPsql(ctx.sh, args, args.db || undefined, sql, { what: `user ${args.name}`, secrets });
    } catch (e) {
      // Ansible's fail_on_user: false reports a role that could not be dropped instead of failing.
      if (args.state === "absent" && !args.fail_on_user && e instanceof PgError && !e.unavailable) return { user: args.name, queries, user_removed: false, password_changed: false };
      throw e;
    }
    return { user: args.name, queries, password_changed: plan.passwordChanging && args.password !== "", ...(args.state === "absent" ? { user_removed: true } : {}) };
  },
  unchanged: (args): UserResult => ({ user: args.name, queries: [], password_changed: false }),
  changed: (r) => r.user_removed !== false,
});
