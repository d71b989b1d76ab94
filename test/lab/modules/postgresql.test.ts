import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { md5Password, scramMatches } from "../../../src/modules/postgres-sql.js";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// postgresql_db, postgresql_user and postgresql_privs against Debian 12's PostgreSQL 15 on lb2
// (its systemd test uses only its own unit there). Everything is named dcv_pg*; the server is
// installed by the site and purged when the tests end.

const skip = labSkipReason();
const HOST = "lb2";

// Passwords with every character that could break quoting on the way (SQL, conninfo, shell).
const APP_PW = `app 'pw' "x" \\ $HOME #; ! é`;
const RO_PW = "ro-Pw-42`";
const SECRETS = [APP_PW, RO_PW, md5Password(APP_PW, "dcv_pg_app"), md5Password(RO_PW, "dcv_pg_ro")];

// As geerlingguy.postgresql passes them: become_user postgres, localhost plus the socket directory.
const LOGIN = `login_host: "localhost", login_user: "postgres", login_unix_socket: "/var/run/postgresql"`;
const PG = `{ become: "postgres" }`;

const SITE = playSite(
  "postgresql",
  { APP_PW, RO_PW },
  `
    await h.shell({ cmd: "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q postgresql || { apt-get update -q && apt-get install -y -q postgresql; }", creates: "/usr/lib/postgresql" }, { name: "install" });
    await h.shell({ cmd: "systemctl is-active --quiet postgresql@15-main || systemctl start postgresql@15-main" }, { name: "start", changedWhen: false });
    await h.postgresql_user({ name: "dcv_pg_app", password: APP_PW, ${LOGIN} }, { name: "app user", ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_ro", password: RO_PW, role_attr_flags: "CREATEDB,NOSUPERUSER", expires: "2031-01-01 00:00:00+00", conn_limit: 5, comment: "read only", ${LOGIN} }, { name: "ro user", ...${PG} });
    await h.postgresql_db({ name: "dcv_pg_app", owner: "dcv_pg_app", encoding: "UTF-8", lc_collate: "C.UTF-8", lc_ctype: "C.UTF-8", template: "template0", conn_limit: "20", comment: "the app's", ${LOGIN} }, { name: "app db", ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_readers", role_attr_flags: "NOLOGIN", ${LOGIN} }, { name: "readers group", ...${PG} });
    await h.shell({ cmd: "psql -X -q -d dcv_pg_app -c 'CREATE TABLE IF NOT EXISTS notes (id int); CREATE SEQUENCE IF NOT EXISTS ids'" }, { name: "tables", changedWhen: false, ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", type: "database", privs: "CONNECT,TEMP", roles: "dcv_pg_ro", ${LOGIN} }, { name: "ro connect", ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", type: "schema", objs: "public", privs: "USAGE", roles: "dcv_pg_ro", grant_option: true, ${LOGIN} }, { name: "ro usage", ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", privs: "SELECT", objs: "ALL_IN_SCHEMA", roles: "dcv_pg_ro,dcv_pg_ghost", fail_on_role: false, ${LOGIN} }, { name: "ro select", ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", type: "sequence", privs: "ALL", objs: "ids", roles: "dcv_pg_app", ${LOGIN} }, { name: "app sequence", ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", type: "group", objs: "dcv_pg_readers", roles: "dcv_pg_ro", ${LOGIN} }, { name: "ro member", ...${PG} });
`,
);

const FAILING = playSite(
  "postgresql failures",
  {},
  `
    await h.postgresql_db({ name: "dcv_pg_app", encoding: "LATIN1", ${LOGIN} }, { name: "encoding", ignoreErrors: true, ...${PG} });
    await h.postgresql_db({ name: "dcv_pg_other", owner: "dcv_pg_nobody", ${LOGIN} }, { name: "no owner", ignoreErrors: true, ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_ro", ${LOGIN} }, { name: "as root", ignoreErrors: true });
    await h.postgresql_privs({ database: "dcv_pg_app", privs: "SELECT", objs: "notes,nope", roles: "dcv_pg_ro", ${LOGIN} }, { name: "no table", ignoreErrors: true, ...${PG} });
    await h.postgresql_privs({ database: "dcv_pg_app", privs: "SELECT", objs: "notes", roles: "dcv_pg_ghost", ${LOGIN} }, { name: "no role", ignoreErrors: true, ...${PG} });
`,
);

const BAD_FLAGS = playSite("bad flags", {}, `await h.postgresql_user({ name: "dcv_pg_x", role_attr_flags: "CREATEDB,SUPERMAN" }, { become: "postgres" });`);

const REMOVE = playSite(
  "postgresql removal",
  {},
  `
    await h.postgresql_privs({ database: "dcv_pg_app", privs: "SELECT", objs: "ALL_IN_SCHEMA", roles: "dcv_pg_ro", state: "absent", ${LOGIN} }, { name: "ro select", ...${PG} });
    await h.postgresql_db({ name: "dcv_pg_app", state: "absent", ${LOGIN} }, { name: "app db", ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_app", state: "absent", ${LOGIN} }, { name: "app user", ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_ro", state: "absent", ${LOGIN} }, { name: "ro user", ...${PG} });
    await h.postgresql_user({ name: "dcv_pg_readers", state: "absent", ${LOGIN} }, { name: "readers group", ...${PG} });
`,
);

describe.skipIf(skip !== undefined)("postgresql_db, postgresql_user, postgresql_privs on a real PostgreSQL", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  /** SQL as the postgres superuser through the socket: unaligned rows, "|" between columns. */
  const sql = (q: string, db = "postgres") => sh(`runuser -u postgres -- psql -XAtq -v ON_ERROR_STOP=1 -d ${db} <<'DCV_SQL'\n${q}\nDCV_SQL`);
  const storedPassword = async (user: string) => (await sql(`SELECT rolpassword FROM pg_authid WHERE rolname = '${user}'`)).trim();

  /** Nothing secret in the terminal output nor in the JSON reports. */
  const expectNoSecrets = (out: string) => {
    for (const s of SECRETS) expect(out.includes(s), `a secret leaked into the output:\n${out}`).toBe(false);
    expect(out).not.toMatch(/SCRAM-SHA-256\$/);
  };
  const purge = () =>
    sh(
      "systemctl stop 'postgresql*' 2>/dev/null; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q 'postgresql*' >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q >/dev/null 2>&1; rm -rf /var/lib/postgresql /etc/postgresql /var/run/postgresql",
    );

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING, "flags.ts": BAD_FLAGS, "remove.ts": REMOVE }, purge);
  });
  afterAll(() => closeSite(root, site, purge));

  it("installs the server, converges users, a database and privileges; a second converge changes nothing", async () => {
    const first = await site.converge(["-vvv", "--diff"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["install", "app user", "ro user", "app db", "readers group", "ro connect", "ro usage", "ro select", "app sequence", "ro member"]);
    expect(first.stdout).toContain("-database dcv_pg_app: dcv_pg_ro: (none)\n+database dcv_pg_app: dcv_pg_ro: CONNECT, TEMPORARY\n");
    expect(first.stdout).toContain("+attributes: NOSUPERUSER NOCREATEROLE CREATEDB INHERIT LOGIN NOREPLICATION NOBYPASSRLS\n+password: (new password)\n+valid_until: 2031-01-01T00:00:00+00:00\n+conn_limit: 5\n+comment: \"read only\"\n");
    expectNoSecrets(first.stdout + first.stderr + site.reports());

    const app = await storedPassword("dcv_pg_app");
    expect(app.startsWith("SCRAM-SHA-256$4096:"), app).toBe(true);
    expect(scramMatches(app, APP_PW)).toBe(true);
    expect(await sql("SELECT rolcanlogin, rolcreatedb, rolsuper, rolconnlimit, rolvaliduntil = '2031-01-01 00:00:00+00', shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'dcv_pg_ro'")).toBe("t|t|f|5|t|read only\n");
    expect(await sql("SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype, datconnlimit, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'dcv_pg_app'")).toBe(
      "dcv_pg_app|UTF8|C.UTF-8|C.UTF-8|20|the app's\n",
    );
    expect(await sql("SELECT string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = 'dcv_pg_app' AND a.grantee = 'dcv_pg_ro'::regrole")).toBe("CONNECT,TEMPORARY\n");
    const privs = "SELECT has_schema_privilege('dcv_pg_ro', 'public', 'USAGE WITH GRANT OPTION'), has_table_privilege('dcv_pg_ro', 'public.notes', 'SELECT'), has_table_privilege('dcv_pg_ro', 'public.notes', 'INSERT'), has_sequence_privilege('dcv_pg_ro', 'public.ids', 'SELECT'), has_sequence_privilege('dcv_pg_app', 'public.ids', 'USAGE,SELECT,UPDATE'), pg_has_role('dcv_pg_ro', 'dcv_pg_readers', 'MEMBER')";
    expect(await sql(privs, "dcv_pg_app")).toBe(
      "t|t|f|f|t|t\n",
    );
    // The password works: a TCP login with it (pg_hba's default for 127.0.0.1 is scram-sha-256).
    expect(await sh(`PGPASSWORD='${APP_PW.replace(/'/g, "'\\''")}' psql -XAt -h 127.0.0.1 -U dcv_pg_app -d dcv_pg_app -c 'SELECT current_user'`)).toBe("dcv_pg_app\n");

    const second = await site.converge(["--diff"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports hand-made drift and changes nothing; a converge repairs it; an md5 password that matches is no change", async () => {
    await sql(
      "ALTER USER dcv_pg_app PASSWORD 'changed-by-hand'; ALTER ROLE dcv_pg_ro SUPERUSER NOCREATEDB CONNECTION LIMIT 7; ALTER DATABASE dcv_pg_app OWNER TO postgres; " +
        `SET password_encryption = 'md5'; ALTER USER dcv_pg_ro PASSWORD '${RO_PW}';`,
    );
    await sql("REVOKE SELECT ON notes FROM dcv_pg_ro; REVOKE dcv_pg_readers FROM dcv_pg_ro;", "dcv_pg_app");
    const handApp = await storedPassword("dcv_pg_app");
    // A SCRAM secret the server made itself verifies here: the comparison the module relies on.
    expect(scramMatches(handApp, "changed-by-hand")).toBe(true);
    expect(scramMatches(handApp, APP_PW)).toBe(false);
    expect(await storedPassword("dcv_pg_ro")).toBe(md5Password(RO_PW, "dcv_pg_ro"));

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["app user", "ro user", "app db", "ro select", "ro member"]);
    expect(check.stdout).toContain('changed: [lb2] ro select (GRANT SELECT ON TABLE "public"."notes" TO "dcv_pg_ro")');
    expect(check.stdout).toContain("-table public.notes: dcv_pg_ro: (none)\n+table public.notes: dcv_pg_ro: SELECT\n");
    expect(check.stdout).toContain("changed: [lb2] app user (password)");
    expect(check.stdout).toContain("changed: [lb2] ro user (NOSUPERUSER, CREATEDB, conn_limit 7 -> 5)");
    expect(check.stdout).toContain("changed: [lb2] app db (owner)");
    expect(check.stdout).toContain("-owner: postgres\n+owner: dcv_pg_app\n");
    expectNoSecrets(check.stdout + check.stderr + site.reports());
    expect(await storedPassword("dcv_pg_app")).toBe(handApp);
    expect(await sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dcv_pg_app'")).toBe("postgres\n");

    const fix = await site.converge(["--diff"]);
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["app user", "ro user", "app db", "ro select", "ro member"]);
    expect(await sql("SELECT has_table_privilege('dcv_pg_ro', 'public.notes', 'SELECT'), pg_has_role('dcv_pg_ro', 'dcv_pg_readers', 'MEMBER')", "dcv_pg_app")).toBe("t|t\n");
    expect(scramMatches(await storedPassword("dcv_pg_app"), APP_PW)).toBe(true);
    // The md5 password was right: it was left alone.
    expect(await storedPassword("dcv_pg_ro")).toBe(md5Password(RO_PW, "dcv_pg_ro"));
    expect(await sql("SELECT rolsuper, rolcreatedb, rolconnlimit FROM pg_roles WHERE rolname = 'dcv_pg_ro'")).toBe("f|t|5\n");
    expect(await sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dcv_pg_app'")).toBe("dcv_pg_app\n");

    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("failures are clear: a fixed setting, a missing owner, peer authentication as root; a bad flag fails before touching the host", async () => {
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName.encoding?.msg).toBe("database dcv_pg_app: changing the encoding of an existing database is not supported (it is UTF8)");
    expect(byName["no owner"]?.msg).toBe('database dcv_pg_other: ERROR:  role "dcv_pg_nobody" does not exist');
    expect(byName["as root"]?.msg).toMatch(/Peer authentication failed for user "postgres".*become_user: postgres/);
    expect(byName["no table"]?.msg).toBe("table public.nope does not exist");
    expect(byName["no role"]?.msg).toBe("role dcv_pg_ghost does not exist");
    expect(await sql("SELECT count(*) FROM pg_database WHERE datname = 'dcv_pg_other'")).toBe("0\n");

    const flags = await site.converge([], { site: "flags.ts" });
    // Refused by the argument schema, before anything reaches the host.
    expect(flags.code, explain(flags)).toBe(2);
    expect(flags.stdout).toContain("fatal: [lb2] postgresql_user dcv_pg_x => invalid arguments: role_attr_flags: invalid role_attr_flags: SUPERMAN (valid: SUPERUSER,");
    expect(await sql("SELECT count(*) FROM pg_roles WHERE rolname = 'dcv_pg_x'")).toBe("0\n");
  });

  it("state absent drops the database and the users, once", async () => {
    const gone = await site.converge(["--diff"], { site: "remove.ts" });
    expect(gone.code, explain(gone)).toBe(0);
    expect(changedTasks(gone)).toEqual(["ro select", "app db", "app user", "ro user", "readers group"]);
    expect(await sql("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'dcv\\_pg%'")).toBe("0\n");
    expect(await sql("SELECT count(*) FROM pg_database WHERE datname = 'dcv_pg_app'")).toBe("0\n");
    const again = await site.converge([], { site: "remove.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
