import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativePasswordHash } from "../../../src/modules/mysql-output.js";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "spare1";

// Passwords with every character that could break quoting on the way (SQL, option file, shell).
const APP_PW = `app 'pw' "x" \\ $HOME #; !`;
const REPORT_PW = "report-Pw-42`";
const SECRETS = [APP_PW, REPORT_PW, nativePasswordHash(APP_PW), nativePasswordHash(REPORT_PW)];

const SITE = `
import { site, play } from "$DSL";

const APP_PW = ${JSON.stringify(APP_PW)};
const REPORT_PW = ${JSON.stringify(REPORT_PW)};

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "mysql",
      hosts: "${HOST}",
      become: true,
      async tasks(h) {
        await h.shell({
          cmd: "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q mariadb-server || { apt-get update -q && apt-get install -y -q mariadb-server; }",
          creates: "/usr/sbin/mariadbd",
        });
        await h.shell({ cmd: "systemctl is-active --quiet mariadb || systemctl start mariadb" }, { changedWhen: false });
        await h.mysql_db({ name: "dcv_app", encoding: "utf8mb4", collation: "utf8mb4_unicode_ci" });
        await h.mysql_user({ name: "dcv_app", password: APP_PW, priv: "dcv_app.*:SELECT,INSERT,UPDATE,DELETE,CREATE" });
        await h.mysql_user({ name: "dcv_report", host: "%", password: REPORT_PW, priv: { "dcv_app.*": "SELECT", "*.*": ["PROCESS"] } });
        await h.mysql_user({ name: "dcv_sock", plugin: "unix_socket", priv: "dcv_app.*:SELECT" });
        const w = await h.mysql_query(
          {
            login_user: "dcv_app",
            login_password: APP_PW,
            login_db: "dcv_app",
            query: ["CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, body TEXT)", "INSERT IGNORE INTO notes VALUES (1, 'tab\\there <&> \\"q\\"'), (2, NULL)"],
          },
          { name: "fill notes", changedWhen: (r) => (r.rowcount[1] ?? 0) > 0 },
        );
        const r = await h.mysql_query({ query: "SELECT id, body FROM dcv_app.notes ORDER BY id" }, { name: "read notes" });
        if (!h.check) {
          const want = JSON.stringify([[{ id: "1", body: 'tab\\there <&> "q"' }, { id: "2", body: null }]]);
          if (JSON.stringify(r.query_result) !== want || r.rowcount[0] !== 2) await h.fail("read notes gave " + JSON.stringify(r));
          if (w.changed && JSON.stringify(w.rowcount) !== "[0,2]") await h.fail("fill notes gave " + JSON.stringify(w));
        }
      },
    }),
  ],
});
`;

const REMOVE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "mysql removal",
      hosts: "${HOST}",
      become: true,
      async tasks(h) {
        await h.mysql_user({ name: "dcv_app", state: "absent" });
        await h.mysql_user({ name: "dcv_report", host: "%", state: "absent" });
        await h.mysql_user({ name: "dcv_sock", state: "absent" });
        await h.mysql_db({ name: "dcv_app", state: "absent" });
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("mysql_db, mysql_user, mysql_query on a real MariaDB", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  /** SQL as root through the socket, tab-separated rows without headers. */
  const sql = (q: string) => sh(`mysql -N -B -e "${q.replace(/(["\\$`])/g, "\\$1")}"`);
  const grants = async (account: string) => (await sql(`SHOW GRANTS FOR ${account}`)).replace(/ IDENTIFIED BY PASSWORD '[^']*'/, "");
  const authString = async (user: string, host: string) => (await sql(`SELECT authentication_string FROM mysql.user WHERE User='${user}' AND Host='${host}'`)).trim();

  /** Nothing secret in the terminal output nor in the JSON report. */
  const expectNoSecrets = (out: string) => {
    for (const s of SECRETS) expect(out.includes(s), `a secret leaked into the output:\n${out}`).toBe(false);
    expect(out).not.toMatch(/\*[0-9A-F]{40}/);
  };
  /** No server, no data, no configuration: how the test finds spare1 and leaves it. */
  const purge = () =>
    sh(
      "systemctl stop mariadb 2>/dev/null; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q 'mariadb-*' galera-4 >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q >/dev/null 2>&1; rm -rf /var/lib/mysql /etc/mysql /run/mysqld",
    );

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "remove.ts": REMOVE }, purge);
  });
  afterAll(() => closeSite(root, site, purge));

  it("--check on a host without the server predicts without failing: the mysql tasks are skipped", async () => {
    const check = await site.converge(["--check"]);
    expect(check.code, explain(check)).toBe(0);
    const skipped = check.report?.tasks.filter((t) => t.status === "skipped").map((t) => t.task);
    expect(skipped, explain(check)).toEqual(expect.arrayContaining(["mysql_db dcv_app", "mysql_user dcv_app", "mysql_user dcv_report", "mysql_user dcv_sock", "fill notes", "read notes"]));
    expect(await sh("test -e /usr/sbin/mariadbd && echo installed || echo absent")).toBe("absent\n");
  });

  it("installs the server, converges a database, two users and queries; a second converge changes nothing", async () => {
    const first = await site.converge(["-vvv", "--diff"]);
    expect(first.code, explain(first)).toBe(0);
    expect(total(first, "failed")).toBe(0);
    const changed = first.report?.tasks.filter((t) => t.changed).map((t) => t.task);
    expect(changed, explain(first)).toEqual(expect.arrayContaining(["mysql_db dcv_app", "mysql_user dcv_app", "mysql_user dcv_report", "mysql_user dcv_sock", "fill notes"]));
    expect(changed).not.toContain("read notes");
    // -vvv shows the commands sent, the login password of "fill notes" travelled on stdin only.
    expect(first.stdout).toContain('mysql --defaults-file="$d/login.cnf" --protocol=socket');
    expect(first.stdout).toContain("+privileges:\n+  *.*: PROCESS\n+  `dcv_app`.*: SELECT\n");
    expectNoSecrets(first.stdout + first.stderr + site.reports());

    expect(await sql("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_app'")).toBe("utf8mb4\tutf8mb4_unicode_ci\n");
    expect(await grants("'dcv_app'@'localhost'")).toBe(
      "GRANT USAGE ON *.* TO `dcv_app`@`localhost`\nGRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `dcv_app`.* TO `dcv_app`@`localhost`\n",
    );
    expect(await grants("'dcv_report'@'%'")).toBe("GRANT PROCESS ON *.* TO `dcv_report`@`%`\nGRANT SELECT ON `dcv_app`.* TO `dcv_report`@`%`\n");
    expect(await authString("dcv_app", "localhost")).toBe(nativePasswordHash(APP_PW));
    expect(await authString("dcv_report", "%")).toBe(nativePasswordHash(REPORT_PW));
    expect(await sql("SELECT plugin FROM mysql.user WHERE User = 'dcv_sock'")).toBe("unix_socket\n");
    expect(await grants("'dcv_sock'@'localhost'")).toBe("GRANT USAGE ON *.* TO `dcv_sock`@`localhost` IDENTIFIED VIA unix_socket\nGRANT SELECT ON `dcv_app`.* TO `dcv_sock`@`localhost`\n");
    expect(await sql("SELECT id, body IS NULL FROM dcv_app.notes ORDER BY id")).toBe("1\t0\n2\t1\n");

    const second = await site.converge(["--diff"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check reports a granted privilege, a changed password and a dropped database, changes nothing; a converge repairs them", async () => {
    await sql("GRANT DROP ON dcv_app.* TO 'dcv_app'@'localhost'; ALTER USER 'dcv_report'@'%' IDENTIFIED BY 'changed-by-hand'; DROP DATABASE dcv_app");
    const handHash = nativePasswordHash("changed-by-hand");

    const check = await site.converge(["--check", "--diff", "-vvv"]);
    expect(check.code, explain(check)).toBe(0);
    const changed = check.report?.tasks.filter((t) => t.changed).map((t) => t.task);
    expect(changed, explain(check)).toEqual(["mysql_db dcv_app", "mysql_user dcv_app", "mysql_user dcv_report"]);
    const skipped = check.report?.tasks.filter((t) => t.status === "skipped").map((t) => t.task);
    expect(skipped).toEqual(expect.arrayContaining(["fill notes", "read notes"]));
    expect(check.stdout).toContain("changed: [spare1] mysql_user dcv_app (revoke DROP on `dcv_app`.*)");
    expect(check.stdout).toContain("changed: [spare1] mysql_user dcv_report (password)");
    expect(check.stdout).toContain("-  `dcv_app`.*: CREATE, DELETE, DROP, INSERT, SELECT, UPDATE\n+  `dcv_app`.*: CREATE, DELETE, INSERT, SELECT, UPDATE\n");
    expect(check.stdout).toContain("-state: absent\n+state: present\n+encoding: utf8mb4\n+collation: utf8mb4_unicode_ci\n");
    expectNoSecrets(check.stdout + check.stderr + site.reports());

    expect(await sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_app'")).toBe("0\n");
    expect(await grants("'dcv_app'@'localhost'")).toContain("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON `dcv_app`.*");
    expect(await authString("dcv_report", "%")).toBe(handHash);

    const fix = await site.converge(["-vvv", "--diff"]);
    expect(fix.code, explain(fix)).toBe(0);
    expectNoSecrets(fix.stdout + fix.stderr + site.reports());
    expect(await sql("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_app'")).toBe("utf8mb4_unicode_ci\n");
    expect(await grants("'dcv_app'@'localhost'")).toContain("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `dcv_app`.*");
    expect(await authString("dcv_report", "%")).toBe(nativePasswordHash(REPORT_PW));
    expect(await sql("SELECT COUNT(*) FROM dcv_app.notes")).toBe("2\n");

    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("changing the collation of an existing database ALTERs it", async () => {
    await sql("ALTER DATABASE dcv_app COLLATE utf8mb4_bin");
    const check = await site.converge(["--check"]);
    expect(check.stdout).toContain("changed: [spare1] mysql_db dcv_app (collation utf8mb4_bin -> utf8mb4_unicode_ci)");
    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(await sql("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_app'")).toBe("utf8mb4_unicode_ci\n");
  });

  it("state absent drops the users and the database, once", async () => {
    const gone = await site.converge(["--diff"], { site: "remove.ts" });
    expect(gone.code, explain(gone)).toBe(0);
    expect(gone.report?.recap[HOST]?.changed, explain(gone)).toBe(4);
    expect(await sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'dcv\\_%'")).toBe("0\n");
    expect(await sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_app'")).toBe("0\n");
    const again = await site.converge([], { site: "remove.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
