import { describe, expect, it } from "vitest";
import { fakeShell } from "./fake-shell.js";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { mysql_replication } from "../../../src/modules/mysql-replication.js";
import { changePrimarySql, modeOf, replicaStatement, replicaTerm, settingsDiff, statusValues, threadsRunning } from "../../../src/modules/mysql-replication-sql.js";
import type { RemoteShell } from "../../../src/remote/shell.js";

const SECRET = "r'pl \"pw\" \\ x";

const ctxOf = (sh: RemoteShell, check = false): ModuleContext => ({ host: "h", check, wantDiff: true, sh, renderTemplate: () => "", readControlFile: () => Buffer.alloc(0) });

/** `mysql --xml` output: one result set per list of rows. */
function xml(...sets: Record<string, string | null>[][]): string {
  const field = (k: string, v: string | null) => (v === null ? `<field name="${k}" xsi:nil="true" />` : `<field name="${k}">${v}</field>`);
  const set = (rows: Record<string, string | null>[]) =>
    `<resultset statement="x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n${rows.map((r) => `  <row>\n${Object.entries(r).map(([k, v]) => `\t${field(k, v)}`).join("\n")}\n  </row>\n`).join("")}</resultset>\n`;
  return `<?xml version="1.0"?>\n${sets.map(set).join("")}`;
}

const VERSION = [{ version: "10.11.6-MariaDB-0+deb12u1-log" }];
const REPLICA_ROW = { Slave_IO_State: "", Master_Host: "10.0.0.1", Master_User: "repl", Master_Port: "3306", Master_Log_File: "mysql-bin.000002", Read_Master_Log_Pos: "328", Slave_IO_Running: "No", Slave_SQL_Running: "No", Seconds_Behind_Master: null, Using_Gtid: "No" };

describe("mysql_replication's pure parts", () => {
  it("old mode names run the new modes", () => {
    expect(modeOf("getslave")).toBe("getreplica");
    expect(modeOf("changemaster")).toBe("changeprimary");
    expect(modeOf("startreplica")).toBe("startreplica");
  });

  it("REPLICA since MariaDB 10.5.1 and MySQL 8.0.22, SLAVE before", () => {
    expect(replicaTerm("10.11.6-MariaDB-0+deb12u1")).toBe("REPLICA");
    expect(replicaTerm("10.5.1-MariaDB")).toBe("REPLICA");
    expect(replicaTerm("10.5.0-MariaDB")).toBe("SLAVE");
    expect(replicaTerm("10.3.39-MariaDB-0+deb10u1")).toBe("SLAVE");
    expect(replicaTerm("8.0.22")).toBe("REPLICA");
    expect(replicaTerm("5.7.44-log")).toBe("SLAVE");
  });

  it("CHANGE MASTER quotes strings, writes numbers and booleans, masks the password when asked", () => {
    const s = { primary_host: "db'1", primary_user: "repl", primary_password: SECRET, primary_port: 3306, primary_log_file: "mysql-bin.000002", primary_log_pos: 328, primary_ssl: true, primary_use_gtid: "replica_pos" as const };
    expect(changePrimarySql(s, "REPLICA", undefined, true)).toBe(
      "CHANGE MASTER TO MASTER_HOST='db\\'1', MASTER_USER='repl', MASTER_PASSWORD='********', MASTER_PORT=3306, MASTER_LOG_FILE='mysql-bin.000002', MASTER_LOG_POS=328, MASTER_SSL=1, MASTER_USE_GTID=replica_pos",
    );
    expect(changePrimarySql(s, "SLAVE", "east", false)).toContain(`CHANGE MASTER 'east' TO MASTER_HOST='db\\'1', MASTER_USER='repl', MASTER_PASSWORD='r\\'pl "pw" \\\\ x'`);
    expect(changePrimarySql({ ...s, primary_use_gtid: "replica_pos" }, "SLAVE", undefined, true)).toMatch(/MASTER_USE_GTID=slave_pos$/);
    expect(changePrimarySql({ primary_use_gtid: "disabled" }, "REPLICA", undefined, true)).toBe("CHANGE MASTER TO MASTER_USE_GTID=no");
    expect(replicaStatement("START", "REPLICA", undefined)).toBe("START REPLICA");
    expect(replicaStatement("RESET", "SLAVE", "east", true)).toBe("RESET SLAVE 'east' ALL");
  });

  it("status rows: numeric columns as numbers, NULL kept; threads", () => {
    expect(statusValues({ File: "mysql-bin.000002", Position: "328", Binlog_Do_DB: "" })).toEqual({ File: "mysql-bin.000002", Position: 328, Binlog_Do_DB: "" });
    expect(statusValues(REPLICA_ROW)).toMatchObject({ Master_Port: 3306, Read_Master_Log_Pos: 328, Seconds_Behind_Master: null, Master_Host: "10.0.0.1" });
    expect(threadsRunning({ Slave_IO_Running: "Connecting", Slave_SQL_Running: "Yes" })).toEqual({ io: true, sql: true });
    expect(threadsRunning({ Slave_IO_Running: "No", Slave_SQL_Running: "Yes" })).toEqual({ io: false, sql: true });
  });

  it("changeprimary's diff: the given settings before and after, the password only as (set)", () => {
    const d = settingsDiff({ primary_host: "10.0.0.2", primary_password: SECRET, primary_log_pos: 400 }, REPLICA_ROW);
    expect(d).toEqual({ before: "primary_host: 10.0.0.1\nprimary_log_pos: 328\n", after: "primary_host: 10.0.0.2\nprimary_password: (set)\nprimary_log_pos: 400\n" });
    expect(settingsDiff({ primary_host: "10.0.0.2" }, undefined).before).toBe("replica: not configured\n");
  });
});

describe("mysql_replication's arguments", () => {
  it("changeprimary needs a setting; settings only go with changeprimary; MySQL-only options are refused", () => {
    expect(() => mysql_replication.args.parse({ mode: "changeprimary" })).toThrow(/needs at least one/);
    expect(() => mysql_replication.args.parse({ mode: "startreplica", primary_host: "x" })).toThrow(/primary_host only goes with mode changeprimary/);
    expect(() => mysql_replication.args.parse({ mode: "changeprimary", primary_host: "x", channel: "c" })).toThrow();
    expect(() => mysql_replication.args.parse({ mode: "getreplica", primary_auto_position: true })).toThrow();
    expect(mysql_replication.args.parse({}).mode).toBe("getreplica");
  });
});

describe("mysql_replication against canned server answers", () => {
  it("getprimary: the status row with Is_Primary; no binary log: Is_Primary false and msg; never a change", async () => {
    const args = mysql_replication.args.parse({ mode: "getprimary" });
    const { sh, calls } = fakeShell({ stdout: xml(VERSION, [{ File: "mysql-bin.000002", Position: "328", Binlog_Do_DB: "", Binlog_Ignore_DB: "" }]) });
    const st = await mysql_replication.probe(ctxOf(sh), args);
    expect(calls[0]?.stdin).toContain("SHOW MASTER STATUS;");
    expect(mysql_replication.diff(args, st, ctxOf(sh))).toBeUndefined();
    expect(mysql_replication.unchanged(args, st)).toEqual({ File: "mysql-bin.000002", Position: 328, Binlog_Do_DB: "", Binlog_Ignore_DB: "", Is_Primary: true, queries: [] });
    const none = await mysql_replication.probe(ctxOf(fakeShell({ stdout: xml(VERSION, []) }).sh), args);
    expect(mysql_replication.unchanged(args, none)).toEqual({ Is_Primary: false, msg: "Server is not configured as mysql primary", queries: [] });
    const old = mysql_replication.args.parse({ mode: "getmaster" });
    expect(mysql_replication.unchanged(old, none)).toEqual({ Is_Master: false, msg: "Server is not configured as mysql master", queries: [] });
  });

  it("getreplica / getslave: Is_Replica / Is_Slave", async () => {
    const st = await mysql_replication.probe(ctxOf(fakeShell({ stdout: xml(VERSION, [REPLICA_ROW]) }).sh), mysql_replication.args.parse({}));
    expect(mysql_replication.unchanged(mysql_replication.args.parse({}), st)).toMatchObject({ Is_Replica: true, Slave_IO_Running: "No", Master_Port: 3306 });
    expect(mysql_replication.unchanged(mysql_replication.args.parse({ mode: "getslave" }), st)).toMatchObject({ Is_Slave: true });
  });

  it("startreplica: changed only when a thread is stopped; not configured: unchanged, or a failure with fail_on_error", async () => {
    const args = mysql_replication.args.parse({ mode: "startreplica" });
    const running = { ...REPLICA_ROW, Slave_IO_Running: "Yes", Slave_SQL_Running: "Yes" };
    const ctx = ctxOf(fakeShell().sh);
    expect(mysql_replication.diff(args, { term: "REPLICA", row: running }, ctx)).toBeUndefined();
    expect(mysql_replication.unchanged(args, { term: "REPLICA", row: running }).msg).toBe("Replica already started (Or cannot be started)");
    const change = mysql_replication.diff(args, { term: "REPLICA", row: REPLICA_ROW }, ctx);
    expect(change?.summary).toBe("start replica");
    expect(change?.diffs?.[0]?.after).toBe("Slave_IO_Running: Yes\nSlave_SQL_Running: Yes\n");
    expect(mysql_replication.diff(args, { term: "REPLICA", row: undefined }, ctx)).toBeUndefined();
    expect(mysql_replication.diff(args, { term: "REPLICA", row: undefined }, ctxOf(fakeShell().sh, true))?.unpredictable).toBe(true);
    const strict = mysql_replication.args.parse({ mode: "startreplica", fail_on_error: true });
    expect(() => mysql_replication.diff(strict, { term: "REPLICA", row: undefined }, ctx)).toThrow("START REPLICA failed: the server is not configured as a replica");

    const { sh, calls } = fakeShell({});
    const r = await mysql_replication.apply(ctxOf(sh), args, { term: "REPLICA", row: REPLICA_ROW }, { summary: "" });
    expect(calls[0]?.stdin).toContain("START REPLICA;");
    expect(r).toEqual({ msg: "Replica started ", queries: ["START REPLICA"] });
    expect(mysql_replication.changed?.(r)).toBe(true);
    const failing = fakeShell({ rc: 1, stderr: "ERROR 1200 (HY000) at line 2: Misconfigured slave\n" });
    const f = await mysql_replication.apply(ctxOf(failing.sh), args, { term: "REPLICA", row: REPLICA_ROW }, { summary: "" });
    expect(mysql_replication.changed?.(f)).toBe(false);
    const failing2 = fakeShell({ rc: 1, stderr: "ERROR 1200 (HY000) at line 2: Misconfigured slave\n" });
    await expect(mysql_replication.apply(ctxOf(failing2.sh), strict, { term: "REPLICA", row: REPLICA_ROW }, { summary: "" })).rejects.toThrow("START REPLICA failed: ERROR 1200");
  });

  it("a connection name the server does not know is a replica not configured", async () => {
    const args = mysql_replication.args.parse({ mode: "getreplica", connection_name: "east" });
    const { sh, calls } = fakeShell({ rc: 1, stderr: "ERROR 1617 (HY000) at line 3: There is no master connection 'east'\n" }, { stdout: xml(VERSION) });
    const st = await mysql_replication.probe(ctxOf(sh), args);
    expect(calls[0]?.stdin).toContain("SHOW SLAVE 'east' STATUS;");
    expect(st).toEqual({ term: "REPLICA", row: undefined });
    expect(mysql_replication.unchanged(args, st)).toEqual({ Is_Replica: false, msg: "Server is not configured as mysql replica", queries: [] });
    const other = fakeShell({ rc: 1, stderr: "ERROR 1045 (28000): Access denied for user 'x'@'localhost'\n" });
    await expect(mysql_replication.probe(ctxOf(other.sh), args)).rejects.toThrow(/getreplica east: reading the replication status: ERROR 1045/);
  });

  it("stopreplica: unchanged when both threads are stopped", () => {
    const args = mysql_replication.args.parse({ mode: "stopreplica" });
    const ctx = ctxOf(fakeShell().sh);
    expect(mysql_replication.diff(args, { term: "REPLICA", row: REPLICA_ROW }, ctx)).toBeUndefined();
    expect(mysql_replication.diff(args, { term: "REPLICA", row: { ...REPLICA_ROW, Slave_SQL_Running: "Yes" } }, ctx)?.summary).toBe("stop replica");
  });

  it("changeprimary always runs (as community.mysql); the password travels on stdin only and is masked in queries and errors", async () => {
    const args = mysql_replication.args.parse({ mode: "changemaster", primary_host: "10.0.0.1", primary_user: "repl", primary_password: SECRET, primary_log_file: "mysql-bin.000002", primary_log_pos: 328 });
    const change = mysql_replication.diff(args, { term: "REPLICA", row: REPLICA_ROW }, ctxOf(fakeShell().sh));
    expect(change?.summary).toBe("change primary to 10.0.0.1 at mysql-bin.000002:328");
    expect(JSON.stringify(change)).not.toContain("r\x27pl");
    const { sh, calls } = fakeShell({});
    const r = await mysql_replication.apply(ctxOf(sh), args, { term: "REPLICA", row: REPLICA_ROW }, { summary: "" });
    expect(calls[0]?.command).not.toContain("pl \"pw");
    expect(calls[0]?.stdin).toContain(`MASTER_PASSWORD='r\\'pl "pw" \\\\ x'`);
    expect(r.queries).toEqual(["CHANGE MASTER TO MASTER_HOST='10.0.0.1', MASTER_USER='repl', MASTER_PASSWORD='********', MASTER_LOG_FILE='mysql-bin.000002', MASTER_LOG_POS=328"]);
    expect(mysql_replication.changed?.(r)).toBe(true);
    const running = fakeShell({ rc: 1, stderr: `--------------\nCHANGE MASTER TO MASTER_PASSWORD='r\\'pl "pw" \\\\ x'\n--------------\n\nERROR 1198 (HY000) at line 2: This operation cannot be performed as you have a running slave ''; run STOP SLAVE '' first\n` });
    const err = await mysql_replication.apply(ctxOf(running.sh), args, { term: "REPLICA", row: REPLICA_ROW }, { summary: "" }).catch((e: unknown) => e);
    expect(String(err)).toContain("changeprimary: ERROR 1198 (HY000) at line 2: This operation cannot be performed as you have a running slave");
    expect(String(err)).not.toContain("pl \"pw");
  });

  it("check mode without a server: skipped, not failed", async () => {
    const down = fakeShell({ rc: 1, stderr: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n" });
    const args = mysql_replication.args.parse({ mode: "getprimary" });
    const ctx = ctxOf(down.sh, true);
    expect(mysql_replication.diff(args, await mysql_replication.probe(ctx, args), ctx)?.unpredictable).toBe(true);
  });
});
