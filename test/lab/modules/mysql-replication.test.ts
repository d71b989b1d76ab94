import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativePasswordHash } from "../../../src/modules/mysql-output.js";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "spare1";

// A primary and a replica on one host: the packaged server is the primary (binary log on), and a
// second server from Debian's multi-instance unit mariadb@dcv_repl is the replica, with its own
// datadir, port and socket, so that only spare1 is touched.
const SOCK = "/run/dcv-repl/mysqld.sock";
const DATADIR = "/var/lib/dcv-repl";
const CNF = "/etc/mysql/mariadb.conf.d/90-dcv-repl.cnf";
// "_", not "-": systemd unescapes "-" in an instance name to "/" (%I would be "dcv/repl").
const INSTANCE = "mariadb@dcv_repl";
const CONFIG = `[mariadbd]
server-id = 1
log-bin = dcv-repl-primary-bin

[mariadbd.dcv_repl]
server-id = 2
port = 3307
socket = ${SOCK}
pid-file = /run/dcv-repl/mysqld.pid
datadir = ${DATADIR}
relay-log = dcv-repl-relay-bin
`;

// Every character that could break quoting on the way (SQL, option file, shell).
const REPL_PW = `repl 'pw' "x" \\ $HOME #; !`;
const HASHED_PW = "hashed-Pw-7";
const SECRETS = [REPL_PW, nativePasswordHash(REPL_PW), nativePasswordHash(HASHED_PW)];

const SITE = `
import { site, play } from "$DSL";

const REPL_PW = ${JSON.stringify(REPL_PW)};
const SOCK = ${JSON.stringify(SOCK)};

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "replication",
      hosts: "${HOST}",
      become: true,
      async tasks(h) {
        // The anonymous account would match the replica's login before dcv_repl@'%' does.
        await h.mysql_user({ name: "", host: "localhost", state: "absent" }, { name: "no anonymous user" });
        await h.mysql_user({ name: "dcv_repl", host: "%", password: REPL_PW, priv: "*.*:REPLICATION SLAVE,REPLICATION CLIENT", column_case_sensitive: false });
        await h.mysql_user({ name: "dcv_repl_hash", plugin: "mysql_native_password", plugin_hash_string: ${JSON.stringify(nativePasswordHash(HASHED_PW))} });
        const replica = await h.mysql_replication({ mode: "getreplica", login_unix_socket: SOCK }, { name: "replica status" });
        const primary = await h.mysql_replication({ mode: "getprimary" }, { name: "primary status" });
        if (!h.check && (primary.Is_Primary !== true || typeof primary.File !== "string" || typeof primary.Position !== "number")) await h.fail("primary status gave " + JSON.stringify(primary));
        if (!replica.Is_Replica) {
          await h.mysql_replication(
            { mode: "changeprimary", login_unix_socket: SOCK, primary_host: "127.0.0.1", primary_port: 3306, primary_user: "dcv_repl", primary_password: REPL_PW, primary_log_file: primary.File, primary_log_pos: primary.Position },
            { name: "point the replica at the primary" },
          );
        }
        await h.mysql_replication({ mode: "startreplica", login_unix_socket: SOCK }, { name: "start the replica" });
      },
    }),
  ],
});
`;

const FAIL = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "replication failures",
      hosts: "${HOST}",
      become: true,
      async tasks(h) {
        await h.mysql_replication(
          { mode: "changeprimary", login_unix_socket: ${JSON.stringify(SOCK)}, primary_host: "127.0.0.1", primary_password: ${JSON.stringify(REPL_PW)} },
          { name: "change a running replica", ignoreErrors: true },
        );
        await h.mysql_replication({ mode: "startreplica", connection_name: "dcv_none", login_unix_socket: ${JSON.stringify(SOCK)}, fail_on_error: true }, { name: "start a connection that does not exist" });
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("mysql_replication between two MariaDB servers on one host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const quote = (q: string) => `"${q.replace(/(["\\$`])/g, "\\$1")}"`;
  /** SQL as root on the primary (default socket) or the replica, tab-separated rows without headers. */
  const primarySql = (q: string) => sh(`mysql -N -B -e ${quote(q)}`);
  const replicaSql = (q: string) => sh(`mysql -S ${SOCK} -N -B -e ${quote(q)}`);
  /** SHOW REPLICA STATUS as column -> value. */
  const replicaStatus = async (): Promise<Record<string, string>> => {
    const out = await sh(`mysql -S ${SOCK} -E -e 'SHOW REPLICA STATUS'`);
    return Object.fromEntries([...out.matchAll(/^\s*(\w+): (.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
  };
  /** Polls (generously bounded) until the replica's threads both run: the I/O thread first reports "Connecting". */
  const replicaRunning = async () => {
    for (let i = 0; i < 60; i++) {
      const s = await replicaStatus();
      if (s.Slave_IO_Running === "Yes" && s.Slave_SQL_Running === "Yes") return s;
      await new Promise((r) => setTimeout(r, 500));
    }
    return replicaStatus();
  };
  const expectNoSecrets = (out: string) => {
    for (const s of SECRETS) expect(out.includes(s), `a secret leaked into the output:\n${out}`).toBe(false);
  };

  const purge = () =>
    sh(
      [
        `systemctl stop ${INSTANCE} mariadb 2>/dev/null`,
        `rm -rf ${DATADIR} /run/dcv-repl ${CNF}`,
        "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q 'mariadb-*' galera-4 >/dev/null 2>&1",
        "DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q >/dev/null 2>&1",
        "rm -rf /var/lib/mysql /etc/mysql /run/mysqld; systemctl reset-failed 2>/dev/null; true",
      ].join("; "),
    );
  /** The two servers, and an anonymous account on the primary (as a fresh install may have). */
  const setUp = async () => {
    await purge();
    await sh(
      [
        "export DEBIAN_FRONTEND=noninteractive",
        "{ apt-get install -y -q mariadb-server >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q mariadb-server >/dev/null; }; }",
        `printf '%s' ${quote(CONFIG)} > ${CNF}`,
        `install -d -o mysql -g mysql -m 0750 ${DATADIR}`,
        "install -d -o mysql -g mysql -m 0755 /run/dcv-repl",
        "systemctl restart mariadb",
        `systemctl start ${INSTANCE}`,
      ].join(" && "),
    );
    await primarySql("CREATE USER ''@'localhost'");
  };

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "fail.ts": FAIL }, setUp);
  }, 600_000);
  afterAll(() => closeSite(root, site, purge));

  it("the two servers run: the primary writes a binary log, the replica is not configured", async () => {
    expect(await primarySql("SELECT @@server_id, @@log_bin")).toBe("1\t1\n");
    expect(await replicaSql("SELECT @@server_id, @@port")).toBe("2\t3307\n");
    expect(await replicaStatus()).toEqual({});
  });

  it("--check reads both statuses, predicts the users and the change of primary, and changes nothing", async () => {
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check), explain(check)).toEqual(["no anonymous user", "mysql_user dcv_repl", "mysql_user dcv_repl_hash", "point the replica at the primary"]);
    const skipped = check.report?.tasks.filter((t) => t.status === "skipped").map((t) => t.task);
    expect(skipped, explain(check)).toEqual(["start the replica"]);
    expect(check.stdout).toContain("+primary_host: 127.0.0.1\n+primary_user: dcv_repl\n+primary_password: (set)\n+primary_port: 3306\n");
    expectNoSecrets(check.stdout + check.stderr + site.reports());
    expect(await replicaStatus()).toEqual({});
    expect(await primarySql("SELECT COUNT(*) FROM mysql.user WHERE User IN ('', 'dcv_repl', 'dcv_repl_hash')")).toBe("1\n");
  });

  it("converges: the replica follows the primary; a second converge changes nothing", async () => {
    const first = await site.converge(["--diff", "-vvv"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first), explain(first)).toEqual(["no anonymous user", "mysql_user dcv_repl", "mysql_user dcv_repl_hash", "point the replica at the primary", "start the replica"]);
    expectNoSecrets(first.stdout + first.stderr + site.reports());
    expect(await primarySql("SELECT COUNT(*) FROM mysql.user WHERE User = ''")).toBe("0\n");
    expect(await primarySql("SELECT plugin, authentication_string FROM mysql.user WHERE User = 'dcv_repl_hash'")).toBe(`mysql_native_password\t${nativePasswordHash(HASHED_PW)}\n`);

    const status = await replicaRunning();
    expect(status, JSON.stringify(status)).toMatchObject({ Master_Host: "127.0.0.1", Master_User: "dcv_repl", Master_Port: "3306", Slave_IO_Running: "Yes", Slave_SQL_Running: "Yes" });
    await primarySql("CREATE DATABASE dcv_repl_probe");
    let seen = "";
    for (let i = 0; i < 60 && seen === ""; i++) {
      seen = await replicaSql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_repl_probe'");
      if (seen === "") await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toBe("dcv_repl_probe\n");

    const second = await site.converge(["--diff"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("a replica stopped by hand: --check --diff reports the start without starting it; a converge starts it", async () => {
    await replicaSql("STOP REPLICA");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check), explain(check)).toEqual(["start the replica"]);
    expect(check.stdout).toContain("-Slave_IO_Running: No\n-Slave_SQL_Running: No\n+Slave_IO_Running: Yes\n+Slave_SQL_Running: Yes\n");
    expect(await replicaStatus()).toMatchObject({ Slave_IO_Running: "No", Slave_SQL_Running: "No" });

    const fix = await site.converge();
    expect(changedTasks(fix), explain(fix)).toEqual(["start the replica"]);
    expect(await replicaRunning()).toMatchObject({ Slave_IO_Running: "Yes", Slave_SQL_Running: "Yes" });
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a replica reset by hand: --check predicts pointing it at the primary again; a converge does it", async () => {
    await replicaSql("STOP REPLICA; RESET REPLICA ALL");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check), explain(check)).toEqual(["point the replica at the primary"]);
    expect(check.stdout).toContain("-replica: not configured\n");
    expect(await replicaStatus()).toEqual({});

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix), explain(fix)).toEqual(["point the replica at the primary", "start the replica"]);
    expect(await replicaRunning()).toMatchObject({ Master_Host: "127.0.0.1", Slave_IO_Running: "Yes", Slave_SQL_Running: "Yes" });
    expectNoSecrets(fix.stdout + fix.stderr + site.reports());
  });

  it("failures are clear and secret-free: CHANGE MASTER on a running replica; fail_on_error on a connection that does not exist", async () => {
    const r = await site.converge([], { site: "fail.ts" });
    expect(r.code, explain(r)).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain("changeprimary: ERROR 1198 (HY000)");
    expect(out).toContain("START REPLICA dcv_none failed: the server is not configured as a replica (it has no connection dcv_none)");
    expectNoSecrets(r.stdout + r.stderr + site.reports());
    expect(await replicaStatus()).toMatchObject({ Master_Host: "127.0.0.1", Slave_SQL_Running: "Yes" });
  });
});
