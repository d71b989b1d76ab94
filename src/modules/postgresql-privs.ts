import { z } from "zod";
import { type Change, ModuleError, defineModule } from "./contract.js";
import { PgError, PgLoginArgs, queryJson, runPsql } from "./postgres-client.js";
import { NO_SERVER_CHECK, probeUnlessUnavailable } from "./database-error.js";
import { pgString } from "./postgres-sql.js";
import { type ObjAcl, type ObjType, type PrivsRequest, aclText, listArg, parsePrivs, planPrivs, textArray } from "./postgresql-privs-plan.js";

// postgresql_privs (community.postgresql): GRANT and REVOKE of privileges on databases, schemas,
// tables and sequences (ALL_IN_SCHEMA included), and of group memberships. The change is decided
// from the objects' ACLs before anything runs, so check mode and --diff need no rolled-back
// transaction. default_privs, functions, types, languages, tablespaces and foreign objects are
// not supported (the schema refuses them).

const NameList = z.union([z.string(), z.array(z.string())]);

const PrivsArgs = z
  .strictObject({
    database: z.string().min(1).describe("The database to connect to (and, for type database without objs, the one granted on)."),
    state: z.enum(["present", "absent"]).default("present").describe("present: GRANT; absent: REVOKE."),
    privs: z.string().optional().describe("Privileges, comma-separated (SELECT,INSERT, ALL, CONNECT, ...); not for type group."),
    type: z.enum(["database", "schema", "table", "sequence", "group"]).default("table").describe("What objs are; group: objs are roles whose membership is granted."),
    objs: NameList.optional().describe("The objects (a list, or comma-separated); ALL_IN_SCHEMA: every table or sequence of the schema."),
    schema: z.string().min(1).optional().describe("Tables and sequences only: their schema (default public)."),
    roles: NameList.describe("The roles granted to (a list, or comma-separated); PUBLIC for everyone."),
    fail_on_role: z.boolean().default(true).describe("false: a role that does not exist is skipped instead of failing the task."),
    grant_option: z.boolean().optional().describe("present only: true grants WITH GRANT (or ADMIN) OPTION, false revokes that option; omitted: left as it is."),
    target_roles: z.string().optional().describe("Only meaningful with type default_privs, which is not supported: refused when given."),
    ...PgLoginArgs,
  })
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (a.type === "group" && a.privs !== undefined) issue("privs", "type group takes no privs (objs are the groups)");
    if (a.type !== "group" && (a.privs === undefined || listArg(a.privs).length === 0)) issue("privs", `type ${a.type} needs privs`);
    if (a.type === "group" && (a.objs === undefined || listArg(a.objs).length === 0)) issue("objs", "type group needs objs (the groups)");
    if ((a.type === "table" || a.type === "sequence") && (a.objs === undefined || listArg(a.objs).length === 0)) issue("objs", `type ${a.type} needs objs`);
    if (a.type === "schema" && (a.objs === undefined || listArg(a.objs).length === 0)) issue("objs", "type schema needs objs");
    if (a.schema !== undefined && a.type !== "table" && a.type !== "sequence") issue("schema", `schema only goes with type table or sequence, not ${a.type}`);
    if (a.objs !== undefined && listArg(a.objs).includes("ALL_IN_SCHEMA") && a.type !== "table" && a.type !== "sequence") issue("objs", "ALL_IN_SCHEMA only goes with type table or sequence");
    if (a.target_roles !== undefined) issue("target_roles", "target_roles goes with type default_privs, which is not supported");
    if (listArg(a.roles).length === 0) issue("roles", "roles needs at least one role");
    if (a.privs !== undefined && a.type !== "group") {
      try {
        parsePrivs(a.privs, a.type, []);
      } catch (e) {
        issue("privs", e instanceof Error ? e.message : String(e));
      }
    }
  });
type PrivsArgs = z.output<typeof PrivsArgs>;

const ProbeAnswer = z.object({
  /** Every privilege of the type, from the server's default ACL for an owner. */
  all: z.array(z.string()).nullable(),
  roles: z.array(z.string()).nullable(),
  objects: z.array(z.object({ name: z.string(), acl: z.array(z.object({ grantee: z.string(), privilege: z.string(), grantable: z.boolean() })).nullable() })).nullable(),
  schema_exists: z.boolean(),
});

export interface PrivsState {
  unavailable?: true;
  request: PrivsRequest;
  objects: ObjAcl[];
  /** Asked for by name but not on the server. */
  missingObjs: string[];
  missingRoles: string[];
  schemaExists: boolean;
}

export interface PrivsResult {
  queries: string[];
}

const ACL_KIND: Readonly<Record<Exclude<ObjType, "group">, string>> = { database: "d", schema: "n", table: "r", sequence: "s" };

const schemaOf = (a: PrivsArgs) => a.schema ?? "public";
const objNames = (a: PrivsArgs) => (a.objs === undefined ? (a.type === "database" ? [a.database] : []) : listArg(a.objs));
const allInSchema = (a: PrivsArgs) => objNames(a).includes("ALL_IN_SCHEMA");

/** The rows of one ACL, PUBLIC for grantee 0, the built-in default when the ACL is NULL. */
function aclJson(acl: string, kind: string, owner: string): string {
  return `(SELECT json_agg(json_build_object('grantee', CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, 'privilege', a.privilege_type, 'grantable', a.is_grantable)) FROM aclexplode(coalesce(${acl}, acldefault('${kind}', ${owner}))) a)`;
}

/** The probe's SQL: one json value with the type's privileges, the roles found, the objects' ACLs. */
export function privsProbeSql(a: PrivsArgs): string {
  const roles = listArg(a.roles).filter((r) => r !== "PUBLIC");
  const names = objNames(a);
  const schema = pgString(schemaOf(a));
  let objects: string;
  let all = "NULL::json";
  if (a.type === "group") {
    const members = `(SELECT json_agg(json_build_object('grantee', pg_get_userbyid(m.member), 'privilege', 'MEMBER', 'grantable', m.admin_option)) FROM pg_auth_members m WHERE m.roleid = g.oid)`;
    objects = `SELECT g.rolname AS name, ${members} AS acl FROM pg_roles g WHERE g.rolname = ANY(${textArray(names)})`;
  } else {
    const kind = ACL_KIND[a.type];
    all = `(SELECT json_agg(privilege_type) FROM aclexplode(acldefault('${kind}', 10::oid)) WHERE grantee = 10)`;
    if (a.type === "database") objects = `SELECT datname AS name, ${aclJson("datacl", kind, "datdba")} AS acl FROM pg_database WHERE datname = ANY(${textArray(names)})`;
    else if (a.type === "schema") objects = `SELECT nspname AS name, ${aclJson("nspacl", kind, "nspowner")} AS acl FROM pg_namespace WHERE nspname = ANY(${textArray(names)})`;
    else {
      // Views, materialized views, partitioned and foreign tables are tables to GRANT, as in Ansible.
      const relkinds = a.type === "table" ? "('r', 'v', 'm', 'p', 'f')" : "('S')";
      const which = allInSchema(a) ? "" : ` AND c.relname = ANY(${textArray(names)})`;
      objects = `SELECT c.relname AS name, ${aclJson("c.relacl", kind, "c.relowner")} AS acl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relkind IN ${relkinds}${which}`;
    }
  }
  return `SELECT json_build_object('all', ${all}, 'roles', (SELECT json_agg(rolname) FROM pg_roles WHERE rolname = ANY(${textArray(roles)})), 'objects', (SELECT json_agg(o ORDER BY o.name) FROM (${objects}) o), 'schema_exists', EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${schema}));\n`;
}

export function parsePrivsProbe(a: PrivsArgs, value: unknown): PrivsState {
  const p = ProbeAnswer.parse(value);
  const found = new Set(p.roles ?? []);
  const asked = listArg(a.roles);
  const missingRoles = asked.filter((r) => r !== "PUBLIC" && !found.has(r));
  const objects = (p.objects ?? []).map((o) => ({ name: o.name, acl: o.acl ?? [] }));
  const have = new Set(objects.map((o) => o.name));
  const request: PrivsRequest = {
    type: a.type,
    state: a.state,
    privs: a.type === "group" || a.privs === undefined ? [] : parsePrivs(a.privs, a.type, p.all ?? []),
    roles: asked.filter((r) => !missingRoles.includes(r)),
    schema: schemaOf(a),
    grantOption: a.state === "present" ? a.grant_option : undefined,
  };
  return { request, objects, missingObjs: allInSchema(a) ? [] : objNames(a).filter((n) => !have.has(n)), missingRoles, schemaExists: p.schema_exists };
}

/** What is missing, as the task's error; undefined when the task can go on. */
function missingError(a: PrivsArgs, st: PrivsState): string | undefined {
  if ((a.type === "table" || a.type === "sequence") && !st.schemaExists) return `schema ${schemaOf(a)} does not exist`;
  const qualified = (n: string) => (a.type === "table" || a.type === "sequence" ? `${schemaOf(a)}.${n}` : n);
  if (st.missingObjs.length > 0) return `${a.type === "group" ? "role" : a.type} ${st.missingObjs.map(qualified).join(", ")} does not exist`;
  if (st.missingRoles.length > 0 && a.fail_on_role) return `role ${st.missingRoles.join(", ")} does not exist`;
  return undefined;
}

export const postgresql_privs = defineModule({
  name: "postgresql_privs",
  doc: {
    summary:
      "GRANT and REVOKE of privileges on PostgreSQL databases, schemas, tables and sequences (ALL_IN_SCHEMA included), and of group memberships, decided from the objects' ACLs (as community.postgresql's postgresql_privs, without default_privs, functions and types).",
    example: 'await h.postgresql_privs({ database: "app", type: "table", objs: "ALL_IN_SCHEMA", privs: "SELECT,INSERT,UPDATE,DELETE", roles: "app" }, { become: "postgres" });',
    check: `Supported: reports what would change. ${NO_SERVER_CHECK} A role, object or schema that does not exist yet (an earlier task would create it) makes the task skipped in check mode; in a normal run it fails the task.`,
    diff: "The objects' privileges for the roles before and after.",
  },
  // The server may be another host's (login_host) or a replica of one: other hosts' tasks change it.
  probeScope: "shared",
  args: PrivsArgs,
  async probe(ctx, args): Promise<PrivsState> {
    const what = `privileges on ${args.type} ${objNames(args).join(", ")}: reading them`;
    const values = await probeUnlessUnavailable(ctx.check, () => queryJson(ctx.sh, args, args.database, privsProbeSql(args), { what }));
    if (!values) return { unavailable: true, request: { type: args.type, state: args.state, privs: [], roles: [], schema: schemaOf(args), grantOption: undefined }, objects: [], missingObjs: [], missingRoles: [], schemaExists: false };
    try {
      return parsePrivsProbe(args, values[0]);
    } catch (e) {
      if (e instanceof z.ZodError) throw new PgError(`${what}: unexpected answer from the server`);
      throw e;
    }
  },
  diff(args, st, ctx): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const missing = missingError(args, st);
    if (missing !== undefined) {
      // In check mode, what is missing may be what an earlier (unapplied) task creates.
      if (ctx.check) return { summary: `${missing} (yet)`, unpredictable: true };
      throw new ModuleError(missing);
    }
    const plan = planPrivs(st.request, st.objects);
    if (plan.statements.length === 0) return undefined;
    const n = plan.statements.length;
    const summary = n === 1 ? (plan.statements[0] ?? "") : `${n} grants and revokes`;
    return { summary, diffs: [{ label: `privileges on ${args.type}`, before: aclText(st.request, st.objects), after: aclText(st.request, plan.after) }] };
  },
  async apply(ctx, args, st): Promise<PrivsResult> {
    const { statements } = planPrivs(st.request, st.objects);
    // One transaction: either every grant and revoke of the task happens, or none.
    await runPsql(ctx.sh, args, args.database, `BEGIN;\n${statements.map((s) => `${s};\n`).join("")}COMMIT;\n`, { what: `privileges on ${args.type} ${objNames(args).join(", ")}` });
    return { queries: statements };
  },
  unchanged: (): PrivsResult => ({ queries: [] }),
});
