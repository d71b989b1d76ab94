import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Change, type ModuleContext, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { shellQuote } from "../remote/quote.js";
import { AbsPath } from "./args.js";
import { MysqlError, MysqlLoginArgs, clientFailure, loginStdin, runSql } from "./mysql-client.js";
import { NO_SERVER_CHECK, probeUnlessUnavailable } from "./database-error.js";
import { type DumpOptions, type ImportOptions, RC_COMPRESS, RC_DECOMPRESS, RC_DUMP, RC_MISSING_TOOL, RC_NO_TARGET, RC_WRITE, dumpCommand, dumpScript, importCommand, importScript } from "./mysql-dump.js";
import {
  PrivSyntaxError,
  type PrivMap,
  formatPrivileges,
  parsePrivRecord,
  parsePrivString,
  parseShowGrants,
  planPrivileges,
  privilegesAfter,
  privilegesRecord,
  statementSql,
  statementSummary,
} from "./mysql-grants.js";
import { TlsRequiresArg, type TlsRequire, currentTls, desiredTls, requireSql, tlsText } from "./mysql-tls.js";
import { type Row, SESSION_PRELUDE, isDdlQuery, isReadOnlyQuery, nativePasswordHash, sqlAccount, sqlIdent, sqlString } from "./mysql-output.js";

// MariaDB databases, accounts and queries, after Ansible's community.mysql (mysql_db, mysql_user,
// mysql_query), through the `mysql` client on the host (see mysql-client.ts for the login and why
// SQL and secrets only ever travel on stdin).

// ---------------------------------------------------------------------------------------------
// mysql_db: a database's existence, default character set and collation; or a dump of databases
// into a file on the host, or such a file imported (mysql-dump.ts).

const CharsetName = z.string().regex(/^[A-Za-z0-9_]+$/, "a character set or collation name");

const DbArgs = z
  .strictObject({
    name: z
      .union([z.string(), z.array(z.string()).min(1)])
      .describe('One database. With state=dump also several (a list, or "a,b"), or "all" (every database); "all" also with state=import (the file picks its databases).'),
    state: z
      .enum(["present", "absent", "dump", "import"])
      .default("present")
      .describe("present/absent: the database exists or not; dump: written to target; import: target loaded. dump and import run, and report a change, every time (as in Ansible)."),
    encoding: CharsetName.optional().describe("The default character set; an existing database is altered to it. dump/import: the client's character set."),
    collation: CharsetName.optional().describe("The default collation; an existing database is altered to it."),
    target: AbsPath.optional().describe("dump/import: the file on the host; .gz, .bz2, .xz and .zst are compressed or decompressed by extension."),
    single_transaction: z.boolean().default(false).describe("dump: --single-transaction, a consistent InnoDB snapshot without locking."),
    quick: z.boolean().default(true).describe("dump: --quick, rows streamed rather than buffered."),
    ignore_tables: z
      .array(z.string().regex(/^[^.]+\..+$/, "database.table"))
      .default([])
      .describe("dump: tables left out, as database.table."),
    hex_blob: z.boolean().default(false).describe("dump: --hex-blob, binary columns written in hexadecimal."),
    force: z.boolean().default(false).describe("dump/import: go on after an SQL error."),
    skip_lock_tables: z.boolean().default(false).describe("dump: --skip-lock-tables."),
    dump_extra_args: z.string().regex(/^[^\n]*$/, "one line").optional().describe("dump: more mysqldump options, as shell words."),
    chdir: AbsPath.optional().describe("import: the directory the client runs in (for a dump that SOURCEs relative paths)."),
    ...MysqlLoginArgs,
  })
  .superRefine((a, ctx) => {
    const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", message, path: [path] });
    const names = dbNames(a.name);
    if (names.some((n) => n === "" || n.length > 64)) issue("database names are 1 to 64 characters", "name");
    const all = names.length === 1 && names[0] === "all";
    if ((a.state === "dump" || a.state === "import") && a.target === undefined) issue(`state=${a.state} needs target`, "target");
    if (a.state === "import" && names.length > 1) issue("state=import takes one database (or all)", "name");
    if ((a.state === "present" || a.state === "absent") && names.length > 1) issue(`several databases are only supported with state=dump; give one task per database`, "name");
    if ((a.state === "present" || a.state === "absent") && all) issue("name=all only goes with state=dump or state=import", "name");
  });
type DbArgs = z.output<typeof DbArgs>;

/** Ansible's list argument: a string is split on commas; names are trimmed. */
export function dbNames(name: string | readonly string[]): string[] {
  return (typeof name === "string" ? name.split(",") : [...name]).map((n) => n.trim());
}

const isAll = (names: readonly string[]) => names.length === 1 && names[0] === "all";

export interface DbState {
  /** Check mode without a server to ask: the change cannot be predicted. */
  unavailable?: true;
  exists: boolean;
  charset: string;
  collation: string;
  /** encoding and collation as the server names them (utf8 -> utf8mb3), when asked for. */
  wantCharset?: string;
  wantCollation?: string;
  /** state=dump: named databases the server does not have. */
  missing?: string[];
  /** state=import: the target is not a file on the host. */
  targetMissing?: boolean;
}

export interface DbResult {
  /** The names, space-separated (Ansible's db). */
  db: string;
  db_list: string[];
  executed_commands: string[];
}

function dbText(exists: boolean, charset: string, collation: string): string {
  return exists ? `state: present\nencoding: ${charset}\ncollation: ${collation}\n` : "state: absent\n";
}

/** present/absent (and import's creation of a missing database): the statements. */
function dbStatements(args: DbArgs, st: DbState): string[] {
  const db = sqlIdent(dbNames(args.name)[0] ?? "");
  if (args.state === "absent") return st.exists ? [`DROP DATABASE ${db}`] : [];
  const spec = [...(st.wantCharset ? [`CHARACTER SET ${st.wantCharset}`] : []), ...(st.wantCollation ? [`COLLATE ${st.wantCollation}`] : [])].join(" ");
  if (!st.exists) return [`CREATE DATABASE ${db}${spec ? ` ${spec}` : ""}`];
  // An import leaves an existing database's defaults alone, as Ansible does.
  if (args.state === "import") return [];
  const collationDiffers = st.wantCollation !== undefined && st.wantCollation !== st.collation;
  const charsetDiffers = st.wantCharset !== undefined && st.wantCharset !== st.charset;
  return collationDiffers || charsetDiffers ? [`ALTER DATABASE ${db} ${spec}`] : [];
}

/** present/absent's change: the database's before and after. */
function dbChange(args: DbArgs, st: DbState): Change | undefined {
  const stmts = dbStatements(args, st);
  if (stmts.length === 0) return undefined;
  const before = dbText(st.exists, st.charset, st.collation);
  const charset = st.wantCharset ?? st.charset;
  // Changing only the character set moves the collation to that set's default.
  const collation = st.wantCollation ?? (st.wantCharset && st.wantCharset !== st.charset ? `(default of ${st.wantCharset})` : st.collation);
  const after = args.state === "absent" ? dbText(false, "", "") : dbText(true, charset || "(server default)", collation || "(server default)");
  const altered = [
    ...(charset !== st.charset ? [`encoding ${st.charset} -> ${charset}`] : []),
    ...(st.wantCollation && st.wantCollation !== st.collation ? [`collation ${st.collation} -> ${st.wantCollation}`] : []),
  ];
  const summary = args.state === "absent" ? "drop database" : !st.exists ? "create database" : altered.join(", ");
  return { summary, diffs: [{ label: `database ${dbNames(args.name)[0] ?? ""}`, before, after }] };
}

function dumpOptions(args: DbArgs, target: string): DumpOptions {
  const names = dbNames(args.name);
  return {
    names: isAll(names) ? "all" : names,
    target,
    encoding: args.encoding,
    single_transaction: args.single_transaction,
    quick: args.quick,
    ignore_tables: args.ignore_tables,
    hex_blob: args.hex_blob,
    force: args.force,
    skip_lock_tables: args.skip_lock_tables,
    dump_extra_args: args.dump_extra_args,
  };
}

function importOptions(args: DbArgs, target: string): ImportOptions {
  return { name: dbNames(args.name)[0] ?? "", target, encoding: args.encoding, force: args.force, chdir: args.chdir };
}

/** Runs a dump or import script; its failures in the operator's terms. */
async function runDumpScript(ctx: ModuleContext, args: DbArgs, script: string, what: string): Promise<void> {
  const r = await ctx.sh.run(script, { stdin: loginStdin(args) });
  if (r.rc === 0) return;
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  if (r.rc === RC_DECOMPRESS) throw new ModuleError(`${what}: cannot decompress ${args.target}: ${tail}`, r);
  if (r.rc === RC_COMPRESS) throw new ModuleError(`${what}: cannot compress into ${args.target}: ${tail}; the target was left as it was`, r);
  if (r.rc === RC_WRITE) throw new ModuleError(`${what}: cannot write ${args.target}: ${tail}`, r);
  if (r.rc === RC_NO_TARGET || r.rc === RC_MISSING_TOOL) throw new ModuleError(`${what}: ${tail}`, r);
  const failure = clientFailure(r, args, { what });
  throw r.rc === RC_DUMP ? new ModuleError(`${failure.message}; the target was left as it was`, r) : failure;
}

const dbResult = (args: DbArgs, executed: string[]): DbResult => {
  const names = dbNames(args.name);
  return { db: names.join(" "), db_list: names, executed_commands: executed };
};

export const mysql_db = defineModule({
  name: "mysql_db",
  doc: {
    summary: "A MariaDB/MySQL database's existence, default character set and collation; or databases dumped into a file on the host, or such a file imported.",
    example: 'await h.mysql_db({ name: "wordpress", encoding: "utf8mb4", collation: "utf8mb4_unicode_ci" });',
    check: `Supported: reports what would change (dump and import: that they would run). ${NO_SERVER_CHECK} A database to dump or a file to import that is not there is not an error in check mode (an earlier task may make it).`,
    diff: "present/absent (and import creating the database): the database's existence, character set and collation before and after. dump and import show none.",
  },
  // The database is the cluster's: other hosts' tasks change it (Galera, replication, login_host).
  probeScope: "shared",
  args: DbArgs,
  async probe(ctx, args): Promise<DbState> {
    const names = dbNames(args.name);
    const first = names[0] ?? "";
    const all = isAll(names);
    // One round trip: the databases' defaults, and the asked-for names resolved by the server
    // itself (aliases such as utf8 -> utf8mb3, unknown names rejected even in check mode).
    const resolve = args.state === "present" || args.state === "import";
    const sql = [
      SESSION_PRELUDE,
      `SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE ${all ? "0" : `BINARY SCHEMA_NAME IN (${names.map(sqlString).join(", ")})`};`,
      ...(resolve && args.encoding ? [`SET SESSION character_set_connection = ${sqlString(args.encoding)};`, "SELECT @@character_set_connection AS cs;"] : []),
      ...(resolve && args.collation ? [`SET SESSION collation_connection = ${sqlString(args.collation)};`, "SELECT @@character_set_connection AS cs, @@collation_connection AS co;"] : []),
    ].join("\n");
    const sets = await probeUnlessUnavailable(ctx.check, () => runSql(ctx.sh, args, `${sql}\n`, { what: `database ${names.join(", ")}: reading its state` }));
    const targetMissing = args.state === "import" && args.target ? (await ctx.sh.run(`[ -f ${shellQuote(args.target)} ]`)).rc !== 0 : false;
    if (!sets) return { unavailable: true, exists: false, charset: "", collation: "" };
    const rows = sets[0]?.rows ?? [];
    const row = rows.find((r) => r.name === first);
    const enc = resolve && args.encoding ? sets[1]?.rows[0]?.cs : undefined;
    const col = resolve && args.collation ? sets[args.encoding ? 2 : 1]?.rows[0] : undefined;
    if (enc && col?.cs && col.cs !== enc) throw new ModuleError(`database ${first}: collation ${args.collation} belongs to ${col.cs}, not to encoding ${args.encoding}`);
    const found = new Set(rows.map((r) => r.name));
    return {
      exists: row !== undefined,
      charset: row?.cs ?? "",
      collation: row?.co ?? "",
      ...(enc ? { wantCharset: enc } : {}),
      ...(col?.co ? { wantCollation: col.co } : {}),
      ...(args.state === "dump" && !all ? { missing: names.filter((n) => !found.has(n)) } : {}),
      ...(args.state === "import" ? { targetMissing } : {}),
    };
  },
  diff(args, st, ctx): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const target = args.target ?? "";
    // In check mode a missing database or dump file may be what an earlier (unapplied) task makes.
    if (args.state === "dump") {
      if (st.missing?.length && !ctx.check) throw new ModuleError(`cannot dump ${st.missing.join(", ")}: no such database`);
      return { summary: `dump ${dbNames(args.name).join(", ")} to ${target}` };
    }
    if (args.state === "import") {
      if (st.targetMissing && !ctx.check) throw new ModuleError(`target ${target} does not exist on the host`);
      const create = dbChange(args, st);
      const name = dbNames(args.name)[0] ?? "";
      const into = name === "all" ? "" : ` into ${name}`;
      return { summary: `${create && name !== "all" ? "create database, " : ""}import ${target}${into}`, ...(create && name !== "all" ? { diffs: create.diffs ?? [] } : {}) };
    }
    return dbChange(args, st);
  },
  async apply(ctx, args, st): Promise<DbResult> {
    const names = dbNames(args.name);
    const what = `database ${names.join(", ")}`;
    if (args.state === "dump") {
      const o = dumpOptions(args, args.target ?? "");
      await runDumpScript(ctx, args, dumpScript(args, o, randomBytes(8).toString("hex")), `${what}: dump to ${o.target}`);
      return dbResult(args, [dumpCommand(args, o)]);
    }
    const stmts = args.state === "import" && isAll(names) ? [] : dbStatements(args, st);
    if (stmts.length > 0) await runSql(ctx.sh, args, `${[SESSION_PRELUDE, ...stmts.map((s) => `${s};`)].join("\n")}\n`, { what });
    if (args.state !== "import") return dbResult(args, stmts);
    const o = importOptions(args, args.target ?? "");
    await runDumpScript(ctx, args, importScript(args, o), `${what}: import of ${o.target}`);
    return dbResult(args, [...stmts, importCommand(args, o)]);
  },
  unchanged: (args): DbResult => dbResult(args, []),
});

// ---------------------------------------------------------------------------------------------
// mysql_user: an account, its authentication and its privileges.

const PrivArg = z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]);

function desiredPrivileges(priv: z.output<typeof PrivArg>): PrivMap {
  return typeof priv === "string" ? parsePrivString(priv) : parsePrivRecord(priv);
}

const UserArgs = z
  .strictObject({
    name: z.string().max(128).describe('The account\'s user name; "" is the anonymous account (secure installations remove it).'),
    host: z.string().min(1).max(255).default("localhost").describe("The host part of the account (user@host): localhost, %, 10.0.0.%, ..."),
    password: z.string().optional().describe('The password, in plain text (or, with encrypted, a mysql_native_password hash "*HEX"); never shown.'),
    encrypted: z.boolean().default(false).describe("password is already a mysql_native_password hash."),
    update_password: z.enum(["always", "on_create"]).default("always").describe("always: an existing account's password is changed when it differs; on_create: only a new account gets it."),
    plugin: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, "a plugin name")
      .optional()
      .describe(
        "The authentication plugin: unix_socket (the system user of the same name, no password), mysql_native_password, ed25519, pam, ... With neither password nor a plugin string, the account is identified by the plugin alone.",
      ),
    plugin_hash_string: z.string().optional().describe("The plugin's stored authentication string as it is (IDENTIFIED VIA plugin USING '...'); never shown."),
    plugin_auth_string: z
      .string()
      .optional()
      .describe("What the plugin makes its authentication string from: a password for the hashing plugins, the service or principal name for pam and gssapi; never shown."),
    priv: PrivArg.optional().describe('Privileges: "db.*:SELECT,INSERT/otherdb.table:ALL,GRANT", or { "db.*": "SELECT,INSERT" }; omitted: privileges left as they are.'),
    append_privs: z.boolean().default(false).describe("Add priv to the account's privileges instead of making them exactly priv."),
    // MariaDB compares column names without regard to case, in grants too: both settings grant
    // the same, and privileges compare equal either way.
    column_case_sensitive: z.boolean().default(false).describe("Column names in priv keep their case (community.mysql upper-cases them without it)."),
    tls_requires: TlsRequiresArg.optional().describe(
      "The account's TLS requirement: { ssl: null }, { x509: null }, or { subject, issuer, cipher }. Omitted (or null, or {}): none, and an existing REQUIRE is removed (as in Ansible).",
    ),
    state: z.enum(["present", "absent"]).default("present").describe("present: the account exists as described; absent: dropped."),
    ...MysqlLoginArgs,
  })
  .superRefine((a, ctx) => {
    if (a.plugin !== undefined && a.plugin !== "mysql_native_password" && a.password !== undefined) {
      ctx.addIssue({ code: "custom", path: ["password"], message: `plugin ${a.plugin} takes no password (its secret goes in plugin_auth_string)` });
    }
    for (const k of ["plugin_hash_string", "plugin_auth_string"] as const) {
      if (a[k] !== undefined && a.plugin === undefined) ctx.addIssue({ code: "custom", path: [k], message: `${k} needs plugin` });
      if (a[k] !== undefined && a.password !== undefined) ctx.addIssue({ code: "custom", path: [k], message: `${k} and password are two ways to set one secret: give one` });
    }
    if (a.plugin_hash_string !== undefined && a.plugin_auth_string !== undefined) {
      ctx.addIssue({ code: "custom", path: ["plugin_auth_string"], message: "plugin_hash_string and plugin_auth_string are two ways to set one secret: give one" });
    }
    // The message never quotes the value: it is a secret.
    if (a.encrypted && a.password !== undefined && !/^(\*[0-9A-Fa-f]{40})?$/.test(a.password)) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "with encrypted: true, password must be a mysql_native_password hash (\"*\" and 40 hex digits)" });
    }
    if (a.priv !== undefined) {
      try {
        desiredPrivileges(a.priv);
      } catch (e) {
        if (!(e instanceof PrivSyntaxError)) throw e;
        ctx.addIssue({ code: "custom", path: ["priv"], message: e.message });
      }
    }
  });
type UserArgs = z.output<typeof UserArgs>;

/** One way the account may log in (MariaDB allows several: "unix_socket OR mysql_native_password"). */
export interface AuthMethod {
  plugin: string;
  /** The stored authentication string (a password hash): held in memory, never output. */
  auth: string;
}

export interface UserState {
  /** Check mode without a server to ask: the change cannot be predicted. */
  unavailable?: true;
  exists: boolean;
  methods: AuthMethod[];
  privileges: PrivMap;
  /** The account's REQUIRE; NONE when absent. */
  tls: TlsRequire;
}

export interface UserResult {
  user: string;
  host: string;
  state: "present" | "absent";
  password_changed: boolean;
  /** The account's privileges afterwards, by object ("`db`.*": ["SELECT"]), when present. */
  priv?: Record<string, string[]>;
}

const PrivJson = z.looseObject({
  plugin: z.string().optional(),
  authentication_string: z.string().optional(),
  auth_or: z.array(z.looseObject({ plugin: z.string().optional(), authentication_string: z.string().optional() })).optional(),
});

/** mysql.global_priv's JSON: the main method, or the OR-list where `{}` stands for the main one. */
export function authMethods(privJson: string): AuthMethod[] {
  const p = PrivJson.parse(JSON.parse(privJson));
  const main = { plugin: p.plugin ?? "mysql_native_password", auth: p.authentication_string ?? "" };
  if (!p.auth_or) return [main];
  return p.auth_or.map((m) => (m.plugin === undefined ? main : { plugin: m.plugin, auth: m.authentication_string ?? "" }));
}

function methodsText(methods: readonly AuthMethod[]): string {
  const text = (m: AuthMethod) =>
    m.plugin === "mysql_native_password" ? `${m.plugin} (${m.auth ? "password set" : "no password"})` : m.auth ? `${m.plugin} (authentication string set)` : m.plugin;
  return methods.map(text).join(" OR ");
}

/** Plugins whose authentication string is a name (a PAM service, a Kerberos principal), not made from a password. */
const NAMED_AUTH = new Set(["pam", "gssapi"]);

/** The account identified by its plugin (and the plugin's string, when given). */
function pluginClause(plugin: string, args: UserArgs): string {
  if (args.plugin_hash_string !== undefined) return `IDENTIFIED VIA ${plugin} USING ${sqlString(args.plugin_hash_string)}`;
  const auth = args.plugin_auth_string;
  if (auth === undefined) return `IDENTIFIED VIA ${plugin}`;
  return NAMED_AUTH.has(plugin) ? `IDENTIFIED VIA ${plugin} USING ${sqlString(auth)}` : `IDENTIFIED VIA ${plugin} USING PASSWORD(${sqlString(auth)})`;
}

/**
 * The authentication string the account must hold: the hash string as given, the native hash of
 * an auth string, a named plugin's string as is; undefined when only the plugin matters; null when
 * it cannot be known here (ed25519 and other hashing plugins): then, as in community.mysql, the
 * string is set again on every run.
 */
function wantedAuth(plugin: string, args: UserArgs): string | undefined | null {
  if (args.plugin_hash_string !== undefined) return args.plugin_hash_string;
  const auth = args.plugin_auth_string;
  if (auth === undefined) return undefined;
  if (plugin === "mysql_native_password") return nativePasswordHash(auth);
  return NAMED_AUTH.has(plugin) ? auth : null;
}

/** Whether the account is identified by a plugin (with its string) rather than by password. */
function byPlugin(args: UserArgs): args is UserArgs & { plugin: string } {
  if (args.plugin === undefined) return false;
  return args.plugin !== "mysql_native_password" || args.plugin_hash_string !== undefined || args.plugin_auth_string !== undefined;
}

/** What the account must become, decided from args and state alone: statements and texts. */
export interface UserPlan {
  statements: string[];
  summary: string[];
  passwordChanged: boolean;
  /** The privileges afterwards (the current ones when priv is unset). */
  after: PrivMap;
  authAfter: string;
  tlsAfter: TlsRequire;
}

function hashOf(args: UserArgs): string | undefined {
  if (args.password === undefined) return undefined;
  return args.encrypted ? args.password.toUpperCase() : nativePasswordHash(args.password);
}

export function planUser(args: UserArgs, st: UserState): UserPlan {
  const account = sqlAccount(args.name, args.host);
  const plan: UserPlan = { statements: [], summary: [], passwordChanged: false, after: st.privileges, authAfter: methodsText(st.methods), tlsAfter: st.tls };
  if (args.state === "absent") {
    if (st.exists) {
      plan.statements.push(`DROP USER ${account}`);
      plan.summary.push("drop user");
    }
    return plan;
  }
  const hash = hashOf(args);
  const native = (h: string) => `IDENTIFIED VIA mysql_native_password USING ${sqlString(h)}`;
  const tls = desiredTls(args.tls_requires);
  plan.tlsAfter = tls;
  const pluginString = args.plugin_hash_string !== undefined || args.plugin_auth_string !== undefined;
  if (!st.exists) {
    const auth = byPlugin(args) ? ` ${pluginClause(args.plugin, args)}` : hash ? ` ${native(hash)}` : "";
    plan.statements.push(`CREATE USER ${account}${auth}${tls.kind === "NONE" ? "" : ` REQUIRE ${requireSql(tls)}`}`);
    plan.summary.push("create user");
    plan.passwordChanged = (hash !== undefined && hash !== "") || (byPlugin(args) && pluginString);
    plan.authAfter = byPlugin(args) ? `${args.plugin}${pluginString ? " (new authentication string)" : ""}` : methodsText([{ plugin: "mysql_native_password", auth: hash ?? "" }]);
  } else {
    const only = st.methods.length === 1 ? st.methods[0] : undefined;
    if (byPlugin(args)) {
      const want = wantedAuth(args.plugin, args);
      const same = only?.plugin === args.plugin && (want === undefined || (want !== null && only.auth === want));
      if (!same) {
        plan.statements.push(`ALTER USER ${account} ${pluginClause(args.plugin, args)}`);
        plan.summary.push(`authentication ${args.plugin}`);
        // community.mysql counts any change of the authentication as a password change.
        plan.passwordChanged = true;
        plan.authAfter = `${args.plugin}${pluginString ? " (new authentication string)" : ""}`;
      }
    } else {
      const isNative = only?.plugin === "mysql_native_password";
      // on_create leaves an existing password alone, unless the plugin itself must change.
      const setPassword = hash !== undefined && (args.update_password === "always" || (args.plugin === "mysql_native_password" && !isNative));
      if (setPassword && (!isNative || only?.auth !== hash)) {
        plan.statements.push(`ALTER USER ${account} ${native(hash)}`);
        plan.summary.push(isNative ? "password" : "authentication mysql_native_password");
        plan.passwordChanged = true;
        plan.authAfter = "mysql_native_password (new password)";
      } else if (args.plugin === "mysql_native_password" && !isNative) {
        throw new ModuleError(`user ${args.name}@${args.host}: switching it to mysql_native_password needs a password`);
      }
    }
    if (tlsText(tls) !== tlsText(st.tls)) {
      plan.statements.push(`ALTER USER ${account} REQUIRE ${requireSql(tls)}`);
      plan.summary.push(`require ${tlsText(st.tls)} -> ${tlsText(tls)}`);
    }
  }
  if (args.priv !== undefined) {
    const desired = desiredPrivileges(args.priv);
    const current = st.exists ? st.privileges : new Map<string, Set<string>>();
    const stmts = planPrivileges(current, desired, args.append_privs);
    plan.statements.push(...stmts.map((s) => statementSql(s, account)));
    plan.summary.push(...(stmts.length > 3 ? [`${stmts.length} privilege changes`] : stmts.map(statementSummary)));
    plan.after = privilegesAfter(current, desired, args.append_privs);
  }
  return plan;
}

/** `tls` is shown when either side requires something: most accounts never do. */
function userText(exists: boolean, auth: string, privileges: PrivMap, tls: string | undefined): string {
  if (!exists) return "state: absent\n";
  const privs = formatPrivileges(privileges);
  return `state: present\nauthentication: ${auth}\n${tls !== undefined ? `tls_requires: ${tls}\n` : ""}privileges:${privs.length ? `\n${privs.map((p) => `  ${p}`).join("\n")}` : " none"}\n`;
}

export const mysql_user = defineModule({
  name: "mysql_user",
  doc: {
    summary: "A MariaDB/MySQL account: its authentication (password or plugin), privileges and TLS requirement.",
    example: 'await h.mysql_user({ name: "wordpress", host: "10.0.0.%", password: v.wordpress_db_password, priv: "wordpress.*:ALL" });',
    check: `Supported: reports what would change. ${NO_SERVER_CHECK}`,
    diff: "The account before and after: how it authenticates (never a secret), its privileges, and its TLS requirement when either side has one.",
  },
  // The database is the cluster's: other hosts' tasks change it (Galera, replication, login_host).
  probeScope: "shared",
  args: UserArgs,
  async probe(ctx, args): Promise<UserState> {
    const where = `BINARY User = ${sqlString(args.name)} AND BINARY Host = ${sqlString(args.host)}`;
    // SHOW GRANTS fails for a missing account: run it only if the account exists, in the same
    // round trip, through EXECUTE IMMEDIATE of a statement chosen by the server.
    const showGrants = `SHOW GRANTS FOR ${sqlAccount(args.name, args.host)}`;
    const sql = [
      SESSION_PRELUDE,
      `SELECT Priv FROM mysql.global_priv WHERE ${where};`,
      `SELECT ssl_type, ssl_cipher, x509_issuer, x509_subject FROM mysql.user WHERE ${where};`,
      `SET @dcv_grants = IF(EXISTS(SELECT 1 FROM mysql.global_priv WHERE ${where}), ${sqlString(showGrants)}, 'SELECT 1 FROM DUAL WHERE 0');`,
      "EXECUTE IMMEDIATE @dcv_grants;",
    ].join("\n");
    const sets = await probeUnlessUnavailable(ctx.check, () => runSql(ctx.sh, args, `${sql}\n`, { what: `user ${args.name}@${args.host}: reading the account` }));
    const none: TlsRequire = { kind: "NONE" };
    if (!sets) return { unavailable: true, exists: false, methods: [], privileges: new Map(), tls: none };
    const priv = sets[0]?.rows[0]?.Priv;
    if (priv === undefined || priv === null) return { exists: false, methods: [], privileges: new Map(), tls: none };
    const grants = (sets[2]?.rows ?? []).map((r) => Object.values(r)[0] ?? "");
    try {
      return { exists: true, methods: authMethods(priv), privileges: parseShowGrants(grants), tls: currentTls(sets[1]?.rows[0]) };
    } catch (e) {
      if (e instanceof PrivSyntaxError) throw new ModuleError(`user ${args.name}@${args.host}: cannot read its grants: ${e.message}`);
      throw e;
    }
  },
  diff(args, st): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const plan = planUser(args, st);
    if (plan.statements.length === 0) return undefined;
    const showTls = st.tls.kind !== "NONE" || plan.tlsAfter.kind !== "NONE";
    const diffs: TextDiff[] = [
      {
        label: `user ${args.name}@${args.host}`,
        before: userText(st.exists, methodsText(st.methods), st.privileges, showTls ? tlsText(st.tls) : undefined),
        after: userText(args.state === "present", plan.authAfter, plan.after, showTls ? tlsText(plan.tlsAfter) : undefined),
      },
    ];
    return { summary: plan.summary.join(", "), diffs };
  },
  async apply(ctx, args, st): Promise<UserResult> {
    const plan = planUser(args, st);
    const secrets = [args.password, hashOf(args), args.plugin_hash_string, args.plugin_auth_string].filter((s): s is string => s !== undefined && s !== "");
    const sql = [SESSION_PRELUDE, ...plan.statements.map((s) => `${s};`)].join("\n");
    await runSql(ctx.sh, args, `${sql}\n`, { what: `user ${args.name}@${args.host}`, secrets });
    return userResult(args, plan.after, plan.passwordChanged);
  },
  unchanged: (args, st): UserResult => userResult({ ...args, state: st.exists ? "present" : "absent" }, st.privileges, false),
});

function userResult(args: { name: string; host: string; state: "present" | "absent" }, privileges: PrivMap, passwordChanged: boolean): UserResult {
  return {
    user: args.name,
    host: args.host,
    state: args.state,
    password_changed: passwordChanged,
    ...(args.state === "present" ? { priv: privilegesRecord(privileges) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// mysql_query: arbitrary statements.

const QueryArgs = z.strictObject({
  query: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe("One statement, or a list run in order (one statement per item)."),
  login_db: z.string().min(1).max(64).optional().describe("The database the queries run in."),
  single_transaction: z.boolean().default(false).describe("Run the list in one transaction: a failure rolls back what ran before it."),
  ...MysqlLoginArgs,
});

export interface QueryResult {
  executed_queries: string[];
  /** Per query, its rows as objects (column -> text or null). */
  query_result: Row[][];
  /** Per query: rows affected (INSERT/UPDATE/DELETE...), rows returned (SELECT...), 0 for DDL. */
  rowcount: number[];
}

export interface QueryState {
  /** Every query only reads: it ran in the probe and changes nothing (check mode included). */
  result?: QueryResult;
}

const queriesOf = (q: string | string[]) => (typeof q === "string" ? [q] : q);

/** The script: each query, then a marker row with ROW_COUNT(), so results map back to queries. */
export function queryScript(queries: readonly string[], singleTransaction: boolean, marker: string): { sql: string; startLines: number[] } {
  const lines: string[] = singleTransaction ? ["START TRANSACTION;"] : [];
  const startLines: number[] = [];
  for (const q of queries) {
    startLines.push(lines.length + 1);
    // ";" on a line of its own: a query ending in a "-- comment" still ends.
    lines.push(...q.replace(/[\s;]+$/, "").split("\n"), ";", `SELECT ROW_COUNT() AS ${sqlIdent(marker)};`);
  }
  if (singleTransaction) lines.push("COMMIT;");
  return { sql: `${lines.join("\n")}\n`, startLines };
}

/** Splits the result sets at the marker rows: rows and rowcount per query. */
export function collectQueryResults(queries: readonly string[], sets: readonly { rows: Row[] }[], marker: string): QueryResult {
  const out: QueryResult = { executed_queries: [...queries], query_result: [], rowcount: [] };
  let rows: Row[] = [];
  for (const set of sets) {
    const first = set.rows[0];
    if (set.rows.length === 1 && first && Object.keys(first).length === 1 && marker in first) {
      const affected = Number(first[marker] ?? "-1");
      out.query_result.push(rows);
      out.rowcount.push(affected >= 0 ? affected : rows.length);
      rows = [];
    } else rows.push(...set.rows);
  }
  return out;
}

async function runQueries(ctx: ModuleContext, args: z.output<typeof QueryArgs>): Promise<QueryResult> {
  const queries = queriesOf(args.query);
  const marker = `__dcv_rowcount_${randomBytes(6).toString("hex")}`;
  const { sql, startLines } = queryScript(queries, args.single_transaction, marker);
  try {
    const sets = await runSql(ctx.sh, args, sql, { database: args.login_db, what: "query" });
    return collectQueryResults(queries, sets, marker);
  } catch (e) {
    if (!(e instanceof MysqlError) || e.client.line === undefined || queries.length < 2) throw e;
    const line = e.client.line;
    const index = startLines.reduce((found, start, i) => (line >= start ? i : found), 0);
    const note = args.single_transaction ? "; the transaction was rolled back" : index > 0 ? `; queries 1-${index} were applied` : "";
    throw new MysqlError(`query ${index + 1} of ${queries.length} failed: ${e.client.message}${note}`, e.client);
  }
}

export const mysql_query = defineModule({
  name: "mysql_query",
  doc: {
    summary:
      "Runs SQL statements on a MariaDB/MySQL server and returns their rows. Queries that only read count as no change; a write counts as one when it affected rows (schema statements always do), as in Ansible.",
    example: 'const r = await h.mysql_query({ query: "SELECT COUNT(*) AS n FROM wordpress.wp_users" });',
    check: "Queries that only read (SELECT, SHOW, ...) run in check mode too and report ok; every other query cannot be predicted and is reported skipped, as is a read that fails in check mode.",
  },
  // The probe runs the query itself.
  probeScope: "live",
  args: QueryArgs,
  async probe(ctx, args): Promise<QueryState> {
    if (!queriesOf(args.query).every(isReadOnlyQuery)) return {};
    try {
      return { result: await runQueries(ctx, args) };
    } catch (e) {
      // In check mode a read may target what earlier (unapplied) tasks would create, or a server
      // not installed yet: report it skipped, as a write, rather than failing the prediction.
      if (ctx.check && e instanceof MysqlError) return {};
      throw e;
    }
  },
  diff(args, st): Change | undefined {
    if (st.result) return undefined;
    const queries = queriesOf(args.query);
    const first = (queries[0] ?? "").replace(/\s+/g, " ").trim();
    // Whether rows change is only known afterwards: `changed` below decides after the run.
    return { summary: queries.length > 1 ? `${queries.length} queries` : first.length > 60 ? `${first.slice(0, 57)}...` : first, unpredictable: true };
  },
  apply: (ctx, args) => runQueries(ctx, args),
  unchanged: (_args, st): QueryResult => st.result ?? { executed_queries: [], query_result: [], rowcount: [] },
  // Ansible's rule: a write changed something when it affected rows; schema statements always do.
  changed: (r) => r.rowcount.some((n) => n > 0) || r.executed_queries.some(isDdlQuery),
});
