import { z } from "zod";
import { type Change, ModuleError, defineModule } from "./contract.js";
import { PgError, PgLoginArgs, queryJson, runPsql } from "./postgres-client.js";
import { NO_SERVER_CHECK, probeUnlessUnavailable } from "./database-error.js";
import { pgIdent, pgString } from "./postgres-sql.js";

// postgresql_db (community.postgresql): a database's existence, owner, connection limit,
// tablespace and comment; encoding and locale are set at creation and, as in Ansible, a
// difference on an existing database is an error (PostgreSQL cannot change them). dump, restore
// and rename are not supported (the schema refuses them).

const Name = z.string().min(1).max(63);

const DbArgs = z.strictObject({
  name: Name.describe("The database."),
  state: z.enum(["present", "absent"]).default("present").describe("present: the database exists as described; absent: dropped."),
  owner: z.string().default("").describe('The owning role; "": left as it is (at creation: the connecting role).'),
  template: z.string().default("").describe("The template the database is created from (only at creation)."),
  encoding: z.string().default("").describe("The encoding, set at creation; a different one on an existing database is an error (PostgreSQL cannot change it)."),
  lc_collate: z.string().default("").describe("LC_COLLATE, set at creation; a difference on an existing database is an error."),
  lc_ctype: z.string().default("").describe("LC_CTYPE, set at creation; a difference on an existing database is an error."),
  conn_limit: z
    .union([z.string(), z.number().int()])
    .transform(String)
    .pipe(z.string().regex(/^(-?\d+)?$/, "an integer (-1: no limit)"))
    .default("")
    .describe('The connection limit ("100", or -1: no limit); "": left as it is.'),
  tablespace: z.string().default("").describe('The default tablespace; "": left as it is.'),
  comment: z.string().optional().describe('The database\'s comment; "" removes it; omitted: left as it is.'),
  force: z.boolean().default(false).describe("absent: drop even with sessions connected (DROP DATABASE ... WITH (FORCE))."),
  maintenance_db: Name.default("postgres").describe("The database the module connects to (never the one it creates or drops)."),
  ...PgLoginArgs,
});
type DbArgs = z.output<typeof DbArgs>;

const DbInfo = z.object({
  owner: z.string(),
  encoding: z.string(),
  encoding_id: z.number(),
  lc_collate: z.string(),
  lc_ctype: z.string(),
  conn_limit: z.number(),
  tablespace: z.string(),
  comment: z.string().nullable(),
});
export type DbInfo = z.output<typeof DbInfo>;

export interface DbState {
  /** Check mode without a server to ask: the change cannot be predicted. */
  unavailable?: true;
  info: DbInfo | null;
  /** The encoding asked for, as the server's id (-1: not an encoding it knows). */
  wantEncodingId?: number;
}

export interface DbResult {
  db: string;
  executed_commands: string[];
}

/** The probe's SQL: the database's settings as one json value, and the wanted encoding's id. */
export function dbProbeSql(args: DbArgs): string {
  const info = `SELECT coalesce((SELECT json_build_object('owner', r.rolname, 'encoding', pg_encoding_to_char(d.encoding), 'encoding_id', d.encoding, 'lc_collate', d.datcollate, 'lc_ctype', d.datctype, 'conn_limit', d.datconnlimit, 'tablespace', t.spcname, 'comment', shobj_description(d.oid, 'pg_database')) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = ${pgString(args.name)}), 'null'::json);`;
  return args.encoding !== "" ? `${info}\nSELECT to_json(pg_char_to_encoding(${pgString(args.encoding)}));\n` : `${info}\n`;
}

export function parseDbProbe(values: readonly unknown[], args: DbArgs): DbState {
  const info = values[0] === null || values[0] === undefined ? null : DbInfo.parse(values[0]);
  return { info, ...(args.encoding !== "" ? { wantEncodingId: z.number().parse(values[1]) } : {}) };
}

/** The statements that bring the database to args, decided from the probe alone. */
export function dbStatements(args: DbArgs, st: DbState): string[] {
  const db = pgIdent(args.name);
  const info = st.info;
  if (args.state === "absent") return info ? [`DROP DATABASE ${db}${args.force ? " WITH (FORCE)" : ""}`] : [];
  if (st.wantEncodingId === -1) throw new ModuleError(`database ${args.name}: ${args.encoding} is not an encoding the server knows`);
  if (!info) {
    const parts = [`CREATE DATABASE ${db}`];
    if (args.owner) parts.push(`OWNER ${pgIdent(args.owner)}`);
    if (args.template) parts.push(`TEMPLATE ${pgIdent(args.template)}`);
    if (args.encoding) parts.push(`ENCODING ${pgString(args.encoding)}`);
    if (args.lc_collate) parts.push(`LC_COLLATE ${pgString(args.lc_collate)}`);
    if (args.lc_ctype) parts.push(`LC_CTYPE ${pgString(args.lc_ctype)}`);
    if (args.tablespace) parts.push(`TABLESPACE ${pgIdent(args.tablespace)}`);
    if (args.conn_limit) parts.push(`CONNECTION LIMIT ${Number(args.conn_limit)}`);
    return [parts.join(" "), ...(args.comment ? [`COMMENT ON DATABASE ${db} IS ${pgString(args.comment)}`] : [])];
  }
  // PostgreSQL cannot change these on an existing database: Ansible fails, and so do we.
  const fixed = (what: string, current: string) => new ModuleError(`database ${args.name}: changing ${what} of an existing database is not supported (it is ${current})`);
  if (st.wantEncodingId !== undefined && st.wantEncodingId !== info.encoding_id) throw fixed("the encoding", info.encoding);
  if (args.lc_collate && args.lc_collate !== info.lc_collate) throw fixed("LC_COLLATE", info.lc_collate);
  if (args.lc_ctype && args.lc_ctype !== info.lc_ctype) throw fixed("LC_CTYPE", info.lc_ctype);
  const out: string[] = [];
  if (args.owner && args.owner !== info.owner) out.push(`ALTER DATABASE ${db} OWNER TO ${pgIdent(args.owner)}`);
  if (args.conn_limit && Number(args.conn_limit) !== info.conn_limit) out.push(`ALTER DATABASE ${db} CONNECTION LIMIT ${Number(args.conn_limit)}`);
  if (args.tablespace && args.tablespace !== info.tablespace) out.push(`ALTER DATABASE ${db} SET TABLESPACE ${pgIdent(args.tablespace)}`);
  if (args.comment !== undefined && args.comment !== (info.comment ?? "")) out.push(`COMMENT ON DATABASE ${db} IS ${args.comment === "" ? "NULL" : pgString(args.comment)}`);
  return out;
}

/** The database as --diff text. */
export function dbText(info: DbInfo | null): string {
  if (!info) return "state: absent\n";
  return [
    "state: present",
    `owner: ${info.owner}`,
    `encoding: ${info.encoding}`,
    `lc_collate: ${info.lc_collate}`,
    `lc_ctype: ${info.lc_ctype}`,
    `conn_limit: ${info.conn_limit}`,
    `tablespace: ${info.tablespace}`,
    `comment: ${JSON.stringify(info.comment ?? "")}`,
    "",
  ].join("\n");
}

/** What the database will be after the statements (what the server fills in shown as such). */
function infoAfter(args: DbArgs, info: DbInfo | null): DbInfo | null {
  if (args.state === "absent") return null;
  const base: DbInfo = info ?? {
    owner: args.owner || `(${args.login_user})`,
    encoding: args.encoding || "(template's)",
    encoding_id: 0,
    lc_collate: args.lc_collate || "(template's)",
    lc_ctype: args.lc_ctype || "(template's)",
    conn_limit: -1,
    tablespace: "(template's)",
    comment: null,
  };
  return {
    ...base,
    ...(args.owner ? { owner: args.owner } : {}),
    ...(args.conn_limit ? { conn_limit: Number(args.conn_limit) } : {}),
    ...(args.tablespace ? { tablespace: args.tablespace } : {}),
    ...(args.comment !== undefined ? { comment: args.comment } : {}),
  };
}

function summary(args: DbArgs, info: DbInfo | null, stmts: readonly string[]): string {
  if (args.state === "absent") return "drop database";
  if (!info) return "create database";
  return stmts.map((s) => (s.startsWith("COMMENT") ? "comment" : (/^ALTER DATABASE "(?:[^"]|"")*" (OWNER|CONNECTION LIMIT|SET TABLESPACE)/.exec(s)?.[1] ?? "alter").toLowerCase())).join(", ");
}

export const postgresql_db = defineModule({
  name: "postgresql_db",
  doc: {
    summary: "A PostgreSQL database's existence, owner, connection limit, tablespace and comment; encoding and locale at creation (as community.postgresql's postgresql_db, without dump, restore and rename).",
    example: 'await h.postgresql_db({ name: "app", owner: "app", encoding: "UTF8", template: "template0" }, { become: "postgres" });',
    check: `Supported: reports what would change. ${NO_SERVER_CHECK}`,
    diff: "The database's owner, encoding, locale, connection limit, tablespace and comment before and after.",
  },
  // The server may be another host's (login_host) or a replica of one: other hosts' tasks change it.
  probeScope: "shared",
  args: DbArgs,
  async probe(ctx, args): Promise<DbState> {
    const what = `database ${args.name}: reading its state`;
    const values = await probeUnlessUnavailable(ctx.check, () => queryJson(ctx.sh, args, args.maintenance_db, dbProbeSql(args), { what }));
    if (!values) return { unavailable: true, info: null };
    try {
      return parseDbProbe(values, args);
    } catch (e) {
      if (e instanceof z.ZodError) throw new PgError(`${what}: unexpected answer ${JSON.stringify(values).slice(0, 200)}`);
      throw e;
    }
  },
  diff(args, st): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const stmts = dbStatements(args, st);
    if (stmts.length === 0) return undefined;
    return { summary: summary(args, st.info, stmts), diffs: [{ label: `database ${args.name}`, before: dbText(st.info), after: dbText(infoAfter(args, st.info)) }] };
  },
  async apply(ctx, args, st): Promise<DbResult> {
    const stmts = dbStatements(args, st);
    // One statement per line: CREATE/DROP DATABASE cannot run inside a transaction block.
    await runPsql(ctx.sh, args, args.maintenance_db, stmts.map((s) => `${s};\n`).join(""), { what: `database ${args.name}` });
    return { db: args.name, executed_commands: stmts };
  },
  unchanged: (args): DbResult => ({ db: args.name, executed_commands: [] }),
});
