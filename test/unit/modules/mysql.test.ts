import { describe, expect, it } from "vitest";
import type { RemoteShell } from "../../../src/remote/shell.js";
import { fakeShell } from "./fake-shell.js";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { clientScript, loginOptionFile, runSql } from "../../../src/modules/mysql-client.js";
import { parsePrivString } from "../../../src/modules/mysql-grants.js";
import { authMethods, collectQueryResults, mysql_db, mysql_query, mysql_user, planUser, queryScript } from "../../../src/modules/mysql.js";

const SECRET = "s3cr'et pass\"word";
const HASH = "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"; // of "password"
const NONE = { kind: "NONE" } as const;

const ctxOf = (sh: RemoteShell): ModuleContext => ({
  host: "h",
  check: false,
  wantDiff: true,
  sh,
  renderTemplate: () => "",
  readControlFile: () => Buffer.alloc(0),
});

describe("the client's login", () => {
  const base = mysql_db.args.parse({ name: "x" });

  it("root by socket: no option file, the default socket", () => {
    expect(loginOptionFile(base)).toBeUndefined();
    expect(clientScript(base)).toContain("mysql --protocol=socket --socket=/run/mysqld/mysqld.sock --connect-timeout=30 --default-character-set=utf8mb4 --batch --xml");
  });

  it("a login password goes to a 0600 file in a private directory, through stdin only", async () => {
    const args = mysql_db.args.parse({ name: "x", login_user: "app", login_password: SECRET, config_file: "/root/.my.cnf" });
    expect(loginOptionFile(args)).toBe(`!include /root/.my.cnf\n[client]\npassword="s3cr'et pass\\"word"\n`);
    const script = clientScript(args, "appdb");
    expect(script).toContain("umask 077");
    expect(script).toContain('--defaults-file="$d/login.cnf" --protocol=socket');
    expect(script).toContain("--user=app");
    expect(script).toContain("--database=appdb");
    const { sh, calls } = fakeShell();
    await runSql(sh, args, "SELECT 1;\n", { what: "test" });
    expect(calls[0]?.command).not.toContain("s3cr");
    const [first, ...rest] = (calls[0]?.stdin ?? "").split("\n");
    expect(Buffer.from(first ?? "", "base64").toString()).toContain(`password="s3cr'et pass\\"word"`);
    expect(rest.join("\n")).toBe("SELECT 1;\n");
  });

  it("TCP when login_host is given", () => {
    expect(clientScript(mysql_db.args.parse({ name: "x", login_host: "10.0.0.1", login_port: 3307 }))).toContain("--protocol=tcp --host=10.0.0.1 --port=3307");
  });

  it("errors are redacted and explained", async () => {
    const args = mysql_user.args.parse({ name: "app", password: "password" });
    const { sh } = fakeShell({ rc: 1, stderr: `--------------\nALTER USER ... USING '${HASH}'\n--------------\n\nERROR 1064 (42000) at line 2: near '${HASH}'\n` });
    await expect(mysql_user.apply(ctxOf(sh), args, { exists: false, methods: [], privileges: new Map(), tls: NONE }, { summary: "" })).rejects.toThrow(
      "user app@localhost: ERROR 1064 (42000) at line 2: near '********'",
    );
    const down = fakeShell({ rc: 1, stderr: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n" });
    await expect(runSql(down.sh, args, "", { what: "x" })).rejects.toThrow(/\(is the server running\?\)$/);
  });
});

describe("check mode before the server exists", () => {
  it("no client or no server: mysql_db and mysql_user are skipped, not failed; outside check mode they fail", async () => {
    const noClient = fakeShell({ rc: 127, stderr: "no mysql client on the host (package mariadb-client)\n" });
    const check = { ...ctxOf(noClient.sh), check: true };
    const db = mysql_db.args.parse({ name: "appdb" });
    expect(mysql_db.diff(db, await mysql_db.probe(check, db), check)).toEqual({ summary: "no server to ask", unpredictable: true });
    const down = fakeShell({ rc: 1, stderr: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n" });
    const user = mysql_user.args.parse({ name: "app", password: "x" });
    expect(mysql_user.diff(user, await mysql_user.probe({ ...ctxOf(down.sh), check: true }, user), check)?.unpredictable).toBe(true);
    await expect(mysql_user.probe(ctxOf(down.sh), user)).rejects.toThrow(/is the server running/);
    const denied = fakeShell({ rc: 1, stderr: "ERROR 1698 (28000): Access denied for user 'deploy'@'localhost'\n" });
    await expect(mysql_db.probe({ ...ctxOf(denied.sh), check: true }, db)).rejects.toThrow(/needs become: true/);
  });
});

describe("mysql_user's plan", () => {
  const absent = { exists: false, methods: [], privileges: new Map(), tls: NONE };
  const plan = (args: Record<string, unknown>, st: Parameters<typeof planUser>[1] = absent) => planUser(mysql_user.args.parse({ name: "app", ...args }), st);

  it("creates with the hash, never the password", () => {
    const p = plan({ password: "password", priv: "appdb.*:ALL" });
    expect(p.statements).toEqual([
      `CREATE USER 'app'@'localhost' IDENTIFIED VIA mysql_native_password USING '${HASH}'`,
      "GRANT ALL PRIVILEGES ON `appdb`.* TO 'app'@'localhost'",
    ]);
    expect(p.passwordChanged).toBe(true);
    expect(JSON.stringify(p.summary) + p.authAfter).not.toContain(HASH);
  });

  it("unix_socket accounts", () => {
    expect(plan({ plugin: "unix_socket", host: "localhost" }).statements).toEqual(["CREATE USER 'app'@'localhost' IDENTIFIED VIA unix_socket"]);
    const native = { exists: true, methods: [{ plugin: "mysql_native_password", auth: HASH }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "unix_socket" }, native).statements).toEqual(["ALTER USER 'app'@'localhost' IDENTIFIED VIA unix_socket"]);
    expect(() => mysql_user.args.parse({ name: "app", plugin: "unix_socket", password: "x" })).toThrow(/takes no password/);
  });

  it("plugin with plugin_hash_string: created and compared as given; a different string is set again", () => {
    expect(plan({ plugin: "ed25519", plugin_hash_string: "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY" }).statements).toEqual([
      "CREATE USER 'app'@'localhost' IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY'",
    ]);
    const st = { exists: true, methods: [{ plugin: "ed25519", auth: "abc" }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "ed25519", plugin_hash_string: "abc" }, st).statements).toEqual([]);
    const p = plan({ plugin: "ed25519", plugin_hash_string: "xyz" }, st);
    expect(p.statements).toEqual(["ALTER USER 'app'@'localhost' IDENTIFIED VIA ed25519 USING 'xyz'"]);
    expect(p.summary).toEqual(["authentication ed25519"]);
    expect(p.passwordChanged).toBe(true);
    expect(p.authAfter).not.toContain("xyz");
    // The native plugin's string is its hash: compared without the server.
    const native = { exists: true, methods: [{ plugin: "mysql_native_password", auth: HASH }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "mysql_native_password", plugin_hash_string: HASH }, native).statements).toEqual([]);
  });

  it("plugin with plugin_auth_string: USING PASSWORD() for hashing plugins, USING '...' for pam; native compared by hash", () => {
    expect(plan({ plugin: "ed25519", plugin_auth_string: "pw" }).statements).toEqual(["CREATE USER 'app'@'localhost' IDENTIFIED VIA ed25519 USING PASSWORD('pw')"]);
    expect(plan({ plugin: "pam", plugin_auth_string: "mariadb" }).statements).toEqual(["CREATE USER 'app'@'localhost' IDENTIFIED VIA pam USING 'mariadb'"]);
    const native = { exists: true, methods: [{ plugin: "mysql_native_password", auth: HASH }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "mysql_native_password", plugin_auth_string: "password" }, native).statements).toEqual([]);
    expect(plan({ plugin: "mysql_native_password", plugin_auth_string: "other" }, native).statements).toEqual([
      "ALTER USER 'app'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('other')",
    ]);
    const pam = { exists: true, methods: [{ plugin: "pam", auth: "mariadb" }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "pam", plugin_auth_string: "mariadb" }, pam).statements).toEqual([]);
    // ed25519's string cannot be derived here: as community.mysql, it is set again.
    const ed = { exists: true, methods: [{ plugin: "ed25519", auth: "stored" }], privileges: new Map(), tls: NONE };
    expect(plan({ plugin: "ed25519", plugin_auth_string: "pw" }, ed).summary).toEqual(["authentication ed25519"]);
    // A plugin alone only checks the plugin.
    expect(plan({ plugin: "ed25519" }, ed).statements).toEqual([]);
  });

  it("plugin strings: refused without plugin, with a password, or both at once", () => {
    expect(() => mysql_user.args.parse({ name: "app", plugin_hash_string: "x" })).toThrow(/plugin_hash_string needs plugin/);
    expect(() => mysql_user.args.parse({ name: "app", plugin: "mysql_native_password", password: "x", plugin_auth_string: "y" })).toThrow(/give one/);
    expect(() => mysql_user.args.parse({ name: "app", plugin: "ed25519", plugin_auth_string: "x", plugin_hash_string: "y" })).toThrow(/give one/);
    expect(() => mysql_user.args.parse({ name: "app", plugin: "ed25519", password: "x" })).toThrow(/plugin ed25519 takes no password/);
    expect(() => mysql_user.args.parse({ name: "app", plugin: "x; DROP" })).toThrow(/a plugin name/);
  });

  it("the anonymous account (name \"\") and column_case_sensitive", () => {
    const st = { exists: true, methods: [{ plugin: "mysql_native_password", auth: "" }], privileges: new Map(), tls: NONE };
    expect(planUser(mysql_user.args.parse({ name: "", host: "localhost", state: "absent" }), st).statements).toEqual(["DROP USER ''@'localhost'"]);
    const cs = mysql_user.args.parse({ name: "app", priv: "db.t:SELECT (Id, Name)", column_case_sensitive: true });
    expect(cs.column_case_sensitive).toBe(true);
    expect(planUser(cs, { ...st, privileges: parsePrivString("db.t:SELECT (id, name)") }).statements).toEqual([]);
  });

  it("password: same hash -> nothing; other hash -> ALTER; on_create -> left alone", () => {
    const st = { exists: true, methods: [{ plugin: "mysql_native_password", auth: HASH }], privileges: new Map(), tls: NONE };
    expect(plan({ password: "password" }, st).statements).toEqual([]);
    expect(plan({ password: HASH.toLowerCase(), encrypted: true }, st).statements).toEqual([]);
    expect(plan({ password: "other" }, st).summary).toEqual(["password"]);
    expect(plan({ password: "other", update_password: "on_create" }, st).statements).toEqual([]);
  });

  it("an OR-list of methods is not 'password set': the password makes it native only", () => {
    const st = { exists: true, methods: authMethods(`{"plugin":"mysql_native_password","authentication_string":"${HASH}","auth_or":[{"plugin":"unix_socket"},{}]}`), privileges: new Map(), tls: NONE };
    expect(st.methods).toEqual([
      { plugin: "unix_socket", auth: "" },
      { plugin: "mysql_native_password", auth: HASH },
    ]);
    expect(plan({ password: "password" }, st).summary).toEqual(["authentication mysql_native_password"]);
  });

  it("privileges: untouched without priv, replaced with it", () => {
    const st = { exists: true, methods: [{ plugin: "unix_socket", auth: "" }], privileges: parsePrivString("db.*:SELECT,INSERT"), tls: NONE };
    expect(plan({}, st).statements).toEqual([]);
    expect(plan({ priv: "db.*:SELECT" }, st).statements).toEqual(["REVOKE INSERT ON `db`.* FROM 'app'@'localhost'"]);
    expect(plan({ state: "absent" }, st).statements).toEqual(["DROP USER 'app'@'localhost'"]);
  });

  it("bad priv strings fail argument validation", () => {
    expect(() => mysql_user.args.parse({ name: "app", priv: "appdb:SELECT" })).toThrow(/not db.table/);
  });

  it("the diff shows privileges and that the password changes, never the password or its hash", () => {
    const st = { exists: true, methods: [{ plugin: "mysql_native_password", auth: nativeOf("old") }], privileges: parsePrivString("db.*:SELECT"), tls: NONE };
    const args = mysql_user.args.parse({ name: "app", password: SECRET, priv: "db.*:SELECT,INSERT" });
    const change = mysql_user.diff(args, st, ctxOf(fakeShell().sh));
    const text = JSON.stringify(change);
    expect(text).not.toContain("s3cr");
    expect(text).not.toMatch(/\*[0-9A-F]{40}/);
    expect(change?.diffs?.[0]).toEqual({
      label: "user app@localhost",
      before: "state: present\nauthentication: mysql_native_password (password set)\nprivileges:\n  `db`.*: SELECT\n",
      after: "state: present\nauthentication: mysql_native_password (new password)\nprivileges:\n  `db`.*: INSERT, SELECT\n",
    });
    expect(change?.summary).toBe("password, grant INSERT on `db`.*");
  });
});

function nativeOf(pw: string): string {
  return planUser(mysql_user.args.parse({ name: "x", password: pw }), { exists: false, methods: [], privileges: new Map(), tls: NONE }).statements[0]?.match(/'(\*[0-9A-F]+)'/)?.[1] ?? "";
}

describe("mysql_query's script and results", () => {
  const M = "__dcv_rowcount_test";

  it("each query ends on its own line and is followed by a ROW_COUNT() marker", () => {
    const { sql, startLines } = queryScript(["SELECT 1;", "UPDATE t SET a = 1 -- all of them\nWHERE 1"], true, M);
    expect(sql).toBe(
      "START TRANSACTION;\nSELECT 1\n;\nSELECT ROW_COUNT() AS `__dcv_rowcount_test`;\nUPDATE t SET a = 1 -- all of them\nWHERE 1\n;\nSELECT ROW_COUNT() AS `__dcv_rowcount_test`;\nCOMMIT;\n",
    );
    expect(startLines).toEqual([2, 5]);
  });

  it("maps result sets back to queries: rows for reads, affected rows for writes, 0 for DDL", () => {
    const marker = (n: string) => ({ rows: [{ [M]: n }] });
    const r = collectQueryResults(["SELECT", "SELECT none", "UPDATE", "CREATE"], [{ rows: [{ a: "1" }, { a: null }] }, marker("-1"), { rows: [] }, marker("-1"), marker("3"), marker("0")], M);
    expect(r).toEqual({
      executed_queries: ["SELECT", "SELECT none", "UPDATE", "CREATE"],
      query_result: [[{ a: "1" }, { a: null }], [], [], []],
      rowcount: [2, 0, 3, 0],
    });
  });

  it("a failing query is named by its position", async () => {
    const { sh } = fakeShell({ rc: 1, stderr: "ERROR 1054 (42S22) at line 4: Unknown column 'x' in 'SELECT'\n" });
    const args = mysql_query.args.parse({ query: ["INSERT INTO t VALUES (1)", "SELECT x"] });
    await expect(mysql_query.apply(ctxOf(sh), args, {}, { summary: "" })).rejects.toThrow("query 2 of 2 failed: ERROR 1054 (42S22) at line 4: Unknown column 'x' in 'SELECT'; queries 1-1 were applied");
  });

  it("reads run in the probe and change nothing; writes are unpredictable in check mode", async () => {
    const ro = mysql_query.args.parse({ query: "SELECT 1" });
    const { sh, calls } = fakeShell({ stdout: `<resultset statement="x"><row><field name="1">1</field></row></resultset>` });
    const st = await mysql_query.probe(ctxOf(sh), ro);
    expect(calls).toHaveLength(1);
    expect(mysql_query.diff(ro, st, ctxOf(sh))).toBeUndefined();
    const rw = mysql_query.args.parse({ query: "DELETE FROM t" });
    expect(mysql_query.diff(rw, await mysql_query.probe(ctxOf(sh), rw), ctxOf(sh))).toEqual({ summary: "DELETE FROM t", unpredictable: true });
  });
});
