import { describe, expect, it } from "vitest";
import {
  type PrivMap,
  PrivSyntaxError,
  canonicalObject,
  canonicalPrivilege,
  formatPrivileges,
  parsePrivRecord,
  parsePrivString,
  parseShowGrants,
  planPrivileges,
  privilegesAfter,
  statementSql,
} from "../../../src/modules/mysql-grants.js";

const rec = (m: PrivMap) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
const ACCOUNT = "'app'@'localhost'";
const sql = (current: PrivMap, desired: PrivMap, append = false) => planPrivileges(current, desired, append).map((s) => statementSql(s, ACCOUNT));

describe("Ansible's priv string", () => {
  it("parses objects and privileges into canonical form", () => {
    expect(rec(parsePrivString("appdb.*:SELECT,insert/otherdb.orders:ALL,GRANT"))).toEqual({
      "`appdb`.*": ["INSERT", "SELECT"],
      "`otherdb`.`orders`": ["ALL PRIVILEGES", "GRANT"],
    });
  });

  it("takes *.*, quoted names, spaces and multi-word privileges", () => {
    expect(rec(parsePrivString(" *.*:reload, replication  client / `my``db`.`t 1`:lock tables,create temporary tables "))).toEqual({
      "*.*": ["BINLOG MONITOR", "RELOAD"],
      "`my``db`.`t 1`": ["CREATE TEMPORARY TABLES", "LOCK TABLES"],
    });
  });

  it("drops USAGE and objects left empty; merges repeated objects", () => {
    expect(rec(parsePrivString("*.*:USAGE/db.*:SELECT/db.*:INSERT"))).toEqual({ "`db`.*": ["INSERT", "SELECT"] });
  });

  it("keeps wildcard characters of database names as written (they are the server's patterns)", () => {
    expect([...parsePrivString("app_db.*:SELECT/app\\_db.*:SELECT").keys()]).toEqual(["`app_db`.*", "`app\\_db`.*"]);
  });

  it("splits an unquoted name at its last dot, as Ansible does", () => {
    expect(canonicalObject("a.b.*")).toBe("`a.b`.*");
    expect(canonicalObject("`a.b`.`c`")).toBe("`a.b`.`c`");
  });

  it("parses column privileges: sorted, unquoted, lower case", () => {
    expect(rec(parsePrivString("db.t:SELECT (b, `A`),UPDATE(c),INSERT"))).toEqual({ "`db`.`t`": ["INSERT", "SELECT (a, b)", "UPDATE (c)"] });
  });

  it("parses routine objects", () => {
    expect(rec(parsePrivString("procedure db.p:execute"))).toEqual({ "PROCEDURE `db`.`p`": ["EXECUTE"] });
  });

  it("rejects malformed specs in operator terms", () => {
    expect(() => parsePrivString("appdb:SELECT")).toThrow(PrivSyntaxError);
    expect(() => parsePrivString("appdb.*")).toThrow(/no ":"/);
    expect(() => parsePrivString("appdb.*:")).toThrow(/no privileges/);
    expect(() => parsePrivString("*.t:SELECT")).toThrow(/needs a database/);
    expect(() => canonicalPrivilege("SELECT;DROP")).toThrow(/not a privilege/);
  });

  it("takes the record form", () => {
    expect(rec(parsePrivRecord({ "db.*": "SELECT,INSERT", "*.*": ["PROCESS"] }))).toEqual({ "`db`.*": ["INSERT", "SELECT"], "*.*": ["PROCESS"] });
  });
});

describe("SHOW GRANTS", () => {
  // Lines as MariaDB 10.11 prints them.
  const lines = [
    "GRANT RELOAD, BINLOG MONITOR ON *.* TO `x1`@`localhost` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'",
    "GRANT ALL PRIVILEGES ON `t\\_db2`.* TO `x1`@`localhost`",
    "GRANT SELECT, INSERT ON `t_db`.* TO `x1`@`localhost`",
    "GRANT SELECT (`a`, `b`), UPDATE (`a`) ON `t_db`.`tt` TO `x1`@`localhost` WITH GRANT OPTION",
    "GRANT USAGE ON `other`.* TO `x1`@`localhost` WITH GRANT OPTION",
    "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION",
    "GRANT `some_role` TO `x1`@`localhost`",
  ];

  it("parses privileges, grant option, wildcard names and column lists; skips roles and proxies", () => {
    expect(rec(parseShowGrants(lines))).toEqual({
      "*.*": ["BINLOG MONITOR", "RELOAD"],
      "`t\\_db2`.*": ["ALL PRIVILEGES"],
      "`t_db`.*": ["INSERT", "SELECT"],
      "`t_db`.`tt`": ["GRANT", "SELECT (a, b)", "UPDATE (a)"],
      "`other`.*": ["GRANT"],
    });
  });

  it("USAGE alone on *.* means no privileges", () => {
    expect(parseShowGrants(["GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED VIA unix_socket"]).size).toBe(0);
  });

  it("a password hash cannot fake WITH GRANT OPTION", () => {
    expect(rec(parseShowGrants(["GRANT USAGE ON *.* TO `u`@`h` IDENTIFIED BY PASSWORD ' WITH GRANT OPTION'"]))).toEqual({});
  });

  it("compares equal to the priv string that produced it", () => {
    const asked = parsePrivString("t_db.*:SELECT,INSERT/t\\_db2.*:ALL/t_db.tt:SELECT(b,a),UPDATE(a),GRANT/*.*:RELOAD,REPLICATION CLIENT/other.*:GRANT");
    expect(sql(parseShowGrants(lines), asked)).toEqual([]);
  });
});

describe("planning grants and revokes", () => {
  const p = parsePrivString;

  it("grants what is missing on new objects", () => {
    expect(sql(new Map(), p("db.*:SELECT,INSERT/*.*:PROCESS"))).toEqual([
      "GRANT PROCESS ON *.* TO 'app'@'localhost'",
      "GRANT INSERT, SELECT ON `db`.* TO 'app'@'localhost'",
    ]);
  });

  it("replaces: revokes extra privileges and whole objects, before granting", () => {
    expect(sql(p("db.*:SELECT,INSERT,DELETE/old.*:ALL"), p("db.*:SELECT,UPDATE"))).toEqual([
      "REVOKE DELETE, INSERT ON `db`.* FROM 'app'@'localhost'",
      "REVOKE ALL PRIVILEGES ON `old`.* FROM 'app'@'localhost'",
      "GRANT UPDATE ON `db`.* TO 'app'@'localhost'",
    ]);
  });

  it("ALL down to SELECT: revoke ALL, then grant SELECT", () => {
    expect(sql(p("db.*:ALL"), p("db.*:SELECT"))).toEqual(["REVOKE ALL PRIVILEGES ON `db`.* FROM 'app'@'localhost'", "GRANT SELECT ON `db`.* TO 'app'@'localhost'"]);
  });

  it("SELECT up to ALL: only the grant (ALL absorbs SELECT)", () => {
    expect(sql(p("db.*:SELECT"), p("db.*:ALL"))).toEqual(["GRANT ALL PRIVILEGES ON `db`.* TO 'app'@'localhost'"]);
  });

  it("the grant option is granted and revoked on its own", () => {
    expect(sql(p("db.*:SELECT"), p("db.*:SELECT,GRANT"))).toEqual(["GRANT USAGE ON `db`.* TO 'app'@'localhost' WITH GRANT OPTION"]);
    expect(sql(p("db.*:SELECT,GRANT"), p("db.*:SELECT"))).toEqual(["REVOKE GRANT OPTION ON `db`.* FROM 'app'@'localhost'"]);
    expect(sql(p("db.*:ALL,GRANT"), new Map())).toEqual(["REVOKE ALL PRIVILEGES ON `db`.* FROM 'app'@'localhost'", "REVOKE GRANT OPTION ON `db`.* FROM 'app'@'localhost'"]);
  });

  it("column privileges come back quoted", () => {
    expect(sql(p("db.t:SELECT(a)"), p("db.t:SELECT(a,b)"))).toEqual([
      "REVOKE SELECT (`a`) ON `db`.`t` FROM 'app'@'localhost'",
      "GRANT SELECT (`a`, `b`) ON `db`.`t` TO 'app'@'localhost'",
    ]);
  });

  it("append_privs: only grants, other objects untouched; nothing to add under ALL", () => {
    expect(sql(p("db.*:SELECT/old.*:ALL"), p("db.*:INSERT"), true)).toEqual(["GRANT INSERT ON `db`.* TO 'app'@'localhost'"]);
    expect(sql(p("db.*:ALL"), p("db.*:SELECT"), true)).toEqual([]);
    expect(sql(p("db.*:SELECT,INSERT"), p("db.*:SELECT"), true)).toEqual([]);
  });

  it("the privileges afterwards, for diffs and results", () => {
    expect(formatPrivileges(privilegesAfter(p("db.*:SELECT/old.*:ALL"), p("db.*:INSERT"), true))).toEqual(["`db`.*: INSERT, SELECT", "`old`.*: ALL PRIVILEGES"]);
    expect(formatPrivileges(privilegesAfter(p("db.*:SELECT/old.*:ALL"), p("db.*:INSERT"), false))).toEqual(["`db`.*: INSERT"]);
  });
});
