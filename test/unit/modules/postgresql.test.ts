import { describe, expect, it } from "vitest";
import type { RemoteShell } from "../../../src/remote/shell.js";
import { fakeShell } from "./fake-shell.js";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { connectionString, psqlScript } from "../../../src/modules/postgres-client.js";
import {
  PgValueError,
  conninfo,
  md5Password,
  parseJsonLines,
  parsePsqlError,
  passwordMatches,
  pgIdent,
  pgString,
  redactPg,
  scramMatches,
  scramPassword,
  storedPassword,
} from "../../../src/modules/postgres-sql.js";
import { type DbInfo, dbStatements, postgresql_db } from "../../../src/modules/postgresql-db.js";
import { parsePrivsProbe, postgresql_privs, privsProbeSql } from "../../../src/modules/postgresql-privs.js";
import { type ObjAcl, type PrivsRequest, aclText, listArg, parsePrivs, planPrivs } from "../../../src/modules/postgresql-privs-plan.js";
import { type UserState, parseRoleAttrFlags, parseUserProbe, planUser, postgresql_user, userProbeSql } from "../../../src/modules/postgresql-user.js";

const dbArgs = (a: Record<string, unknown>) => postgresql_db.args.parse(a);
const userArgs = (a: Record<string, unknown>) => postgresql_user.args.parse(a);

describe("quoting", () => {
  it("identifiers double their quotes; literals escape quotes and backslashes in E'' form", () => {
    expect(pgIdent('a"b')).toBe('"a""b"');
    expect(pgString("it's \\ here")).toBe("E'it\\'s \\\\ here'");
    // A value ending in a backslash cannot swallow the closing quote.
    expect(pgString("x\\")).toBe("E'x\\\\'");
    expect(() => pgString("a\0b")).toThrow(PgValueError);
  });

  it("conninfo values are single-quoted with libpq's escapes; unset values are left out", () => {
    expect(conninfo({ dbname: "my db's", host: undefined, port: 5432 })).toBe("dbname='my db\\'s' port='5432'");
  });

  it("localhost with a socket directory means the socket, as in Ansible; another host means TCP", () => {
    const login = userArgs({ name: "u", login_host: "localhost", login_unix_socket: "/var/run/postgresql" });
    expect(connectionString(login, "app")).toBe("dbname='app' host='/var/run/postgresql' port='5432' user='postgres' sslmode='prefer' application_name='do-converge'");
    expect(connectionString(userArgs({ name: "u", login_host: "db1", login_unix_socket: "/s", port: 5433 }), undefined)).toBe(
      "host='db1' port='5433' user='postgres' sslmode='prefer' application_name='do-converge'",
    );
  });

  it("the login password reaches psql through stdin and PGPASSWORD, never the command line", () => {
    const script = psqlScript(userArgs({ name: "u", login_password: "s3cret" }), "app");
    expect(script).not.toContain("s3cret");
    expect(script).toContain("IFS= read -r pw");
    expect(script).toContain("export PGPASSWORD");
  });
});

describe("psql output and errors", () => {
  it("one json value a line", () => {
    expect(parseJsonLines('{"a":"x\\ny"}\nnull\n\n3\n')).toEqual([{ a: "x\ny" }, null, 3]);
  });

  it("keeps the error, drops the script position, notices and the statement echo", () => {
    const stderr = 'psql:<stdin>:1: NOTICE:  something\npsql:<stdin>:3: ERROR:  role "x" does not exist\nLINE 1: ALTER DATABASE "a" OWNER TO "x"\n                    ^\n';
    expect(parsePsqlError(stderr)).toBe('ERROR:  role "x" does not exist');
    expect(parsePsqlError('psql: error: connection to server on socket "/s/.s.PGSQL.5432" failed: No such file or directory\n')).toMatch(/^psql: error: connection to server/);
    expect(parsePsqlError("")).toBe("psql failed without a message");
  });

  it("redacts a secret in its plain and quoted forms", () => {
    expect(redactPg("x it's y E'it\\'s'", ["it's"])).toBe("x ******** y E'********'");
  });
});

describe("passwords", () => {
  it("md5 is md5(password + user), as PostgreSQL stores it", () => {
    expect(md5Password("postgres", "postgres")).toBe("md53175bce1d3201d16594cebf9d7eb3f9d");
  });

  it("a SCRAM secret verifies with its own salt; another password or a tampered key does not", () => {
    const stored = scramPassword("pw é", 4096, Buffer.alloc(16, 7));
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:BwcHBwcHBwcHBwcHBwcHBw==\$[A-Za-z0-9+/]+=:[A-Za-z0-9+/]+=$/);
    expect(scramMatches(stored, "pw é")).toBe(true);
    expect(scramMatches(stored, "pw e")).toBe(false);
    expect(scramMatches(stored.replace(/.=$/, "A="), "pw é")).toBe(false);
    // Non-ASCII spaces are prepared to spaces (SASLprep), so both spellings are the same password.
    expect(scramMatches(scramPassword("a\u00A0b"), "a b")).toBe(true);
  });

  it("compares as Ansible does: '' means none, hashes compare as they are, plain ones are verified", () => {
    const md5 = md5Password("pw", "joe");
    expect(passwordMatches(null, "", "joe")).toBe(true);
    expect(passwordMatches(md5, "", "joe")).toBe(false);
    expect(passwordMatches(md5, "pw", "joe")).toBe(true);
    expect(passwordMatches(md5, "pw", "bob")).toBe(false);
    expect(passwordMatches(md5, md5, "joe")).toBe(true);
    expect(passwordMatches(null, "pw", "joe")).toBe(false);
    expect(passwordMatches(scramPassword("pw"), "pw", "joe")).toBe(true);
  });

  it("hashes a new password in the server's password_encryption; a hash given goes as it is", () => {
    expect(storedPassword("pw", "joe", "md5", 4096)).toBe(md5Password("pw", "joe"));
    expect(storedPassword("pw", "joe", "scram-sha-256", 8192)).toMatch(/^SCRAM-SHA-256\$8192:/);
    const given = md5Password("x", "joe");
    expect(storedPassword(given, "joe", "scram-sha-256", 4096)).toBe(given);
  });
});

describe("postgresql_db", () => {
  const info: DbInfo = { owner: "postgres", encoding: "UTF8", encoding_id: 6, lc_collate: "C.UTF-8", lc_ctype: "C.UTF-8", conn_limit: -1, tablespace: "pg_default", comment: null };

  it("creates with every option quoted", () => {
    const a = dbArgs({ name: 'we"ird', owner: "o'wn", template: "template0", encoding: "UTF-8", lc_collate: "C.UTF-8", lc_ctype: "C.UTF-8", conn_limit: "10", comment: "c'" });
    expect(dbStatements(a, { info: null, wantEncodingId: 6 })).toEqual([
      `CREATE DATABASE "we""ird" OWNER "o'wn" TEMPLATE "template0" ENCODING E'UTF-8' LC_COLLATE E'C.UTF-8' LC_CTYPE E'C.UTF-8' CONNECTION LIMIT 10`,
      `COMMENT ON DATABASE "we""ird" IS E'c\\''`,
    ]);
  });

  it("an existing database: owner and limit altered, the same encoding is no change, another one an error", () => {
    const a = dbArgs({ name: "app", owner: "app", encoding: "UTF-8", lc_collate: "C.UTF-8", conn_limit: "-1" });
    expect(dbStatements(a, { info, wantEncodingId: 6 })).toEqual(['ALTER DATABASE "app" OWNER TO "app"']);
    expect(dbStatements(a, { info: { ...info, owner: "app" }, wantEncodingId: 6 })).toEqual([]);
    expect(() => dbStatements(a, { info, wantEncodingId: 8 })).toThrow("changing the encoding of an existing database is not supported (it is UTF8)");
    expect(() => dbStatements(dbArgs({ name: "app", lc_ctype: "en_US.UTF-8" }), { info })).toThrow("changing LC_CTYPE");
    expect(() => dbStatements(dbArgs({ name: "app", encoding: "NOPE" }), { info: null, wantEncodingId: -1 })).toThrow("NOPE is not an encoding the server knows");
  });

  it("absent drops once, with FORCE when asked", () => {
    expect(dbStatements(dbArgs({ name: "app", state: "absent", force: true }), { info })).toEqual(['DROP DATABASE "app" WITH (FORCE)']);
    expect(dbStatements(dbArgs({ name: "app", state: "absent" }), { info: null })).toEqual([]);
  });

  it("refuses what it does not support", () => {
    expect(postgresql_db.args.safeParse({ name: "a", state: "dump", target: "/tmp/a.sql" }).success).toBe(false);
    expect(postgresql_db.args.safeParse({ name: "a", icu_locale: "de" }).success).toBe(false);
    expect(postgresql_db.args.safeParse({ name: "a", conn_limit: "lots" }).success).toBe(false);
  });
});

describe("postgresql_user", () => {
  const role = { flags: { SUPERUSER: false, CREATEROLE: false, CREATEDB: false, INHERIT: true, LOGIN: true, REPLICATION: false, BYPASSRLS: false }, conn_limit: -1, valid_until: null, comment: null };
  const settings = { encryption: "scram-sha-256", iterations: 4096, want_valid_until: null };
  const state = (password: string | null, over: Partial<UserState> = {}): UserState => ({ role, settings, authid: { readable: true, password }, ...over });

  it("parses role_attr_flags as Ansible does, refusing unknown and contradictory ones", () => {
    expect(parseRoleAttrFlags("createdb, NOSUPERUSER,")).toEqual({ CREATEDB: true, SUPERUSER: false });
    expect(() => parseRoleAttrFlags("SUPERMAN")).toThrow("invalid role_attr_flags: SUPERMAN");
    expect(() => parseRoleAttrFlags("LOGIN,NOLOGIN")).toThrow("both LOGIN and NOLOGIN");
    expect(postgresql_user.args.safeParse({ name: "u", role_attr_flags: "CREATEUSER" }).success).toBe(false);
  });

  it("creates with the password as a placeholder, flags, expiry and limit", () => {
    const plan = planUser(userArgs({ name: 'j"oe', password: "pw", role_attr_flags: "CREATEDB", expires: "infinity", conn_limit: 3 }), state(null, { role: null }));
    expect(plan.statements).toEqual([`CREATE USER "j""oe" WITH ENCRYPTED PASSWORD $PASSWORD VALID UNTIL E'infinity' CONNECTION LIMIT 3 CREATEDB`]);
    expect(plan.flagsAfter).toMatchObject({ CREATEDB: true, LOGIN: true, INHERIT: true, SUPERUSER: false });
  });

  it("an existing role with the same password (md5 or SCRAM) is no change; another password is", () => {
    const a = userArgs({ name: "joe", password: "pw" });
    expect(planUser(a, state(md5Password("pw", "joe"))).statements).toEqual([]);
    expect(planUser(a, state(scramPassword("pw"))).statements).toEqual([]);
    expect(planUser(a, state(scramPassword("other"))).statements).toEqual(['ALTER USER "joe" WITH ENCRYPTED PASSWORD $PASSWORD']);
    expect(planUser(userArgs({ name: "joe", password: "" }), state(md5Password("pw", "joe"))).statements).toEqual(['ALTER USER "joe" WITH PASSWORD NULL']);
    expect(planUser(userArgs({ name: "joe", password: "pw", no_password_changes: true }), state(null)).statements).toEqual([]);
    // pg_authid not readable (not a superuser): assumed different, as Ansible does.
    expect(planUser(a, state(null, { authid: { readable: false } })).summary).toEqual(["password"]);
  });

  it("only the flags named are compared; expiry and limit compare as the server reads them", () => {
    const a = userArgs({ name: "joe", role_attr_flags: "NOSUPERUSER,CREATEDB", expires: "2030-01-01", conn_limit: -1 });
    const st = state(null, { settings: { ...settings, want_valid_until: "2030-01-01T00:00:00+00:00" }, role: { ...role, flags: { ...role.flags, CREATEROLE: true }, valid_until: "2030-01-01T00:00:00+00:00" } });
    expect(planUser(a, st).statements).toEqual(['ALTER USER "joe" WITH CREATEDB']);
  });

  it("the probe quotes the name; its answer is parsed strictly", () => {
    expect(userProbeSql(userArgs({ name: "x'; DROP ROLE postgres; --" }))).toContain("WHERE rolname = E'x\\'; DROP ROLE postgres; --'");
    const st = parseUserProbe([null, { encryption: "md5", iterations: 4096, want_valid_until: null }, { readable: false }]);
    expect(st.role).toBeNull();
    expect(() => parseUserProbe([null, { encryption: "md5" }, { readable: false }])).toThrow();
  });

  it("refuses the deprecated priv, encrypted: false and PUBLIC", () => {
    expect(postgresql_user.args.safeParse({ name: "u", priv: "CONNECT" }).success).toBe(false);
    expect(postgresql_user.args.safeParse({ name: "u", encrypted: false }).success).toBe(false);
    expect(postgresql_user.args.safeParse({ name: "public" }).success).toBe(false);
  });
});

describe("postgresql_privs", () => {
  const privsArgs = (a: Record<string, unknown>) => postgresql_privs.args.parse(a);
  const req = (over: Partial<PrivsRequest> = {}): PrivsRequest => ({ type: "table", state: "present", privs: ["SELECT", "INSERT"], roles: ["ro"], schema: "public", grantOption: undefined, ...over });
  const obj = (name: string, acl: ObjAcl["acl"] = []): ObjAcl => ({ name, acl });
  const held = (grantee: string, privilege: string, grantable = false) => ({ grantee, privilege, grantable });

  it("parses privs as Ansible does: TEMP is TEMPORARY, ALL what the server says, others refused", () => {
    expect(parsePrivs("connect, temp", "database", [])).toEqual(["CONNECT", "TEMPORARY"]);
    expect(parsePrivs("ALL", "schema", ["USAGE", "CREATE"])).toEqual(["USAGE", "CREATE"]);
    expect(() => parsePrivs("SELECT", "database", [])).toThrow("invalid privilege for type database: SELECT");
    expect(postgresql_privs.args.safeParse({ database: "app", roles: "ro", privs: "EXECUTE", objs: "t" }).success).toBe(false);
  });

  it("grants only what is missing, per object and role; a second plan on the result is empty", () => {
    const objects = [obj("a", [held("ro", "SELECT")]), obj("b")];
    const plan = planPrivs(req(), objects);
    expect(plan.statements).toEqual(['GRANT INSERT ON TABLE "public"."a" TO "ro"', 'GRANT SELECT, INSERT ON TABLE "public"."b" TO "ro"']);
    expect(planPrivs(req(), plan.after).statements).toEqual([]);
  });

  it("grant_option true grants it where missing; false revokes it; unset leaves it", () => {
    const objects = [obj("a", [held("ro", "SELECT", true), held("ro", "INSERT")])];
    expect(planPrivs(req({ grantOption: true }), objects).statements).toEqual(['GRANT INSERT ON TABLE "public"."a" TO "ro" WITH GRANT OPTION']);
    expect(planPrivs(req({ grantOption: false }), objects).statements).toEqual(['REVOKE GRANT OPTION FOR SELECT ON TABLE "public"."a" FROM "ro"']);
    expect(planPrivs(req(), objects).statements).toEqual([]);
  });

  it("absent revokes what is held of the privileges named; PUBLIC is a keyword", () => {
    const objects = [obj("app", [held("PUBLIC", "CONNECT"), held("PUBLIC", "TEMPORARY"), held("ro", "CONNECT")])];
    const plan = planPrivs(req({ type: "database", state: "absent", privs: ["CONNECT", "CREATE"], roles: ["PUBLIC", "ro"] }), objects);
    expect(plan.statements).toEqual(['REVOKE CONNECT ON DATABASE "app" FROM PUBLIC', 'REVOKE CONNECT ON DATABASE "app" FROM "ro"']);
    expect(aclText(req({ type: "database", roles: ["PUBLIC", "ro"] }), plan.after)).toBe("database app: PUBLIC: TEMPORARY\ndatabase app: ro: (none)\n");
  });

  it("groups: membership granted, admin option added or revoked, membership revoked", () => {
    const g = (acl: ObjAcl["acl"]) => [obj("readers", acl)];
    const r = (over: Partial<PrivsRequest>) => req({ type: "group", privs: [], ...over });
    expect(planPrivs(r({}), g([])).statements).toEqual(['GRANT "readers" TO "ro"']);
    expect(planPrivs(r({ grantOption: true }), g([held("ro", "MEMBER")])).statements).toEqual(['GRANT "readers" TO "ro" WITH ADMIN OPTION']);
    expect(planPrivs(r({ grantOption: false }), g([held("ro", "MEMBER", true)])).statements).toEqual(['REVOKE ADMIN OPTION FOR "readers" FROM "ro"']);
    expect(planPrivs(r({ state: "absent" }), g([held("ro", "MEMBER")])).statements).toEqual(['REVOKE "readers" FROM "ro"']);
    expect(planPrivs(r({}), g([held("ro", "MEMBER", true)])).statements).toEqual([]);
  });

  it("the probe quotes names; missing roles and objects come out of its answer", () => {
    const a = privsArgs({ database: "app", roles: "ro,ghost,PUBLIC", privs: "SELECT", objs: "t,gone", schema: "s'x" });
    expect(privsProbeSql(a)).toContain("n.nspname = E's\\'x'");
    const st = parsePrivsProbe(a, { all: ["SELECT"], roles: ["ro"], objects: [{ name: "t", acl: null }], schema_exists: true });
    expect(st.missingRoles).toEqual(["ghost"]);
    expect(st.missingObjs).toEqual(["gone"]);
    expect(st.request.roles).toEqual(["ro", "PUBLIC"]);
    expect(listArg(" a, b ,,")).toEqual(["a", "b"]);
  });

  it("refuses what it does not support and what does not fit together", () => {
    const bad = (a: Record<string, unknown>) => postgresql_privs.args.safeParse({ database: "app", roles: "ro", ...a }).success;
    expect(bad({ type: "default_privs", privs: "SELECT", objs: "TABLES" })).toBe(false);
    expect(bad({ type: "function", privs: "EXECUTE", objs: "f()" })).toBe(false);
    expect(bad({ type: "database", privs: "CONNECT", schema: "public" })).toBe(false);
    expect(bad({ type: "schema", privs: "USAGE", objs: "ALL_IN_SCHEMA" })).toBe(false);
    expect(bad({ type: "group", objs: "readers", privs: "SELECT" })).toBe(false);
    expect(bad({ type: "table", privs: "SELECT", objs: "t", target_roles: "x" })).toBe(false);
    expect(bad({ type: "database", privs: "CONNECT" })).toBe(true);
  });
});

const ctxOf = (sh: RemoteShell): ModuleContext => ({ host: "h", check: false, wantDiff: true, sh, renderTemplate: () => "", readControlFile: () => Buffer.alloc(0) });

describe("postgresql_user apply", () => {
  const SECRET = "s3cr'et \\ pass";
  const absentRole: UserState = { role: null, settings: { encryption: "scram-sha-256", iterations: 4096, want_valid_until: null }, authid: { readable: true, password: null } };

  it("sends a SCRAM hash on stdin; the password is on no command line, in no query reported", async () => {
    const { sh, calls } = fakeShell();
    const a = userArgs({ name: "joe", password: SECRET, login_password: SECRET });
    const change = postgresql_user.diff(a, absentRole, ctxOf(sh));
    expect(JSON.stringify(change)).not.toContain(SECRET);
    const r = await postgresql_user.apply(ctxOf(sh), a, absentRole, change ?? { summary: "" });
    expect(r.queries).toEqual([`CREATE USER "joe" WITH ENCRYPTED PASSWORD '********'`]);
    expect(calls[0]?.command).not.toContain("s3cr");
    const stdin = calls[0]?.stdin ?? "";
    expect(stdin).not.toContain(SECRET);
    const hash = /PASSWORD E'(SCRAM-SHA-256\$[^']+)'/.exec(stdin)?.[1] ?? "";
    expect(scramMatches(hash, SECRET)).toBe(true);
  });

  it("a failure is redacted; with fail_on_user false a role that cannot be dropped is reported, not failed", async () => {
    const { sh } = fakeShell({ rc: 3, stderr: `psql:<stdin>:1: ERROR:  bad ${SECRET}\n` });
    const a = userArgs({ name: "joe", password: SECRET });
    await expect(postgresql_user.apply(ctxOf(sh), a, absentRole, { summary: "" })).rejects.toThrow("user joe: ERROR:  bad ********");
    const dependent = fakeShell({ rc: 3, stderr: 'psql:<stdin>:1: ERROR:  role "joe" cannot be dropped because some objects depend on it\n' });
    const present: UserState = { ...absentRole, role: { flags: {}, conn_limit: -1, valid_until: null, comment: null } };
    const kept = await postgresql_user.apply(ctxOf(dependent.sh), userArgs({ name: "joe", state: "absent", fail_on_user: false }), present, { summary: "" });
    expect(kept.user_removed).toBe(false);
    expect(postgresql_user.changed?.(kept)).toBe(false);
    await expect(postgresql_user.apply(ctxOf(dependent.sh), userArgs({ name: "joe", state: "absent" }), present, { summary: "" })).rejects.toThrow("cannot be dropped");
  });
});
