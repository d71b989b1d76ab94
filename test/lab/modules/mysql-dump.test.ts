import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { type Converge, RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// mysql_db's dump and import, and mysql_user's tls_requires, on spare1 (the mysql family's host),
// with databases, users and a directory no other test uses.

const skip = labSkipReason();
const HOST = "spare1";
const DIR = "/srv/dcv-mysqldump";
const SUBJECT = "/CN=dcv client/O=It's ours";
const CIPHER = "ECDHE-RSA-AES256-GCM-SHA384";

const SEED = `CREATE TABLE notes (id INT PRIMARY KEY, body TEXT) DEFAULT CHARSET=utf8mb4;
INSERT INTO notes VALUES (1, 'héllo'), (2, 'tab\\there');
CREATE TABLE skipme (id INT);
INSERT INTO skipme VALUES (7);
`;
const BAD = "INSERT INTO notes VALUES (3, 'three');\nTHIS IS NOT SQL;\nINSERT INTO notes VALUES (4, 'four');\n";

const INSTALL = `
    await h.shell({
      cmd: "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q mariadb-server || { apt-get update -q && apt-get install -y -q mariadb-server; }",
      creates: "/usr/sbin/mariadbd",
    });
    await h.shell({ cmd: "systemctl is-active --quiet mariadb || systemctl start mariadb" }, { changedWhen: false });`;

/** The converging site: a database seeded once from a compressed dump, accounts with TLS requirements. */
const SITE = playSite(
  "mysql dump",
  { DIR, SUBJECT, CIPHER },
  `${INSTALL}
    const created = await h.mysql_db({ name: "dcv_imp", encoding: "utf8mb4" });
    if (created.changed) await h.mysql_db({ name: "dcv_imp", state: "import", target: DIR + "/seed.sql.gz" }, { name: "seed dcv_imp" });
    await h.mysql_user({ name: "dcv_tls", host: "%", password: "tls-pw", priv: "dcv_imp.*:SELECT", tls_requires: { x509: null } });
    await h.mysql_user({ name: "dcv_tls_spec", plugin: "unix_socket", tls_requires: { Subject: SUBJECT, cipher: CIPHER } });
    await h.mysql_user({ name: "dcv_tls_none", plugin: "unix_socket" });
`,
);

const DUMP = playSite(
  "mysql dumps",
  { DIR },
  `
    await h.mysql_db({ name: "dcv_imp", state: "dump", target: DIR + "/out.sql.gz", single_transaction: true, ignore_tables: ["dcv_imp.skipme"] }, { name: "dump gz" });
    await h.mysql_db({ name: "dcv_imp", state: "dump", target: DIR + "/out.sql" }, { name: "dump plain" });
    const both = await h.mysql_db({ name: "dcv_imp,dcv_copy", state: "dump", target: DIR + "/both.sql" }, { name: "dump two" });
    if (!h.check && both.db_list.join() !== "dcv_imp,dcv_copy") await h.fail("db_list: " + JSON.stringify(both));
`,
);

const IMPORT = playSite(
  "mysql import",
  { DIR },
  `
    const r = await h.mysql_db({ name: "dcv_copy", state: "import", target: DIR + "/out.sql.gz", encoding: "utf8mb4", collation: "utf8mb4_bin" }, { name: "import copy" });
    if (!h.check && !r.executed_commands.some((c) => c.startsWith("gzip -dc -- ${DIR}/out.sql.gz | mysql "))) await h.fail("commands: " + JSON.stringify(r));
`,
);

const one = (tasks: string) => playSite("mysql one-off", { DIR }, tasks);

describe.skipIf(skip !== undefined)("mysql_db dump/import and mysql_user tls_requires on a real MariaDB", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const sql = (q: string) => sh(`mysql --default-character-set=utf8mb4 -N -B -e "${q.replace(/(["\\$`])/g, "\\$1")}"`);
  const failedMsg = (r: Converge) => r.report?.tasks.find((t) => t.status === "failed")?.msg ?? "";
  const tlsOf = (user: string) => sql(`SELECT ssl_type, ssl_cipher, x509_subject FROM mysql.user WHERE User = '${user}'`);
  const cleanUp = () =>
    sh(
      `rm -rf ${DIR}; systemctl stop mariadb 2>/dev/null; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q 'mariadb-*' galera-4 >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q >/dev/null 2>&1; rm -rf /var/lib/mysql /etc/mysql /run/mysqld`,
    );

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "dump.ts": DUMP, "import.ts": IMPORT }, async () => {
      await cleanUp();
      const seed = gzipSync(SEED).toString("base64");
      await sh(`mkdir -p ${DIR} && printf %s ${seed} | base64 -d > ${DIR}/seed.sql.gz && printf %s '${Buffer.from(BAD).toString("base64")}' | base64 -d > ${DIR}/bad.sql`);
    });
  });
  afterAll(() => closeSite(root, site, cleanUp));

  it("creates the database, imports the seed once, creates accounts with their TLS requirement; a second converge changes nothing", async () => {
    const first = await site.converge(["--diff"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first), explain(first)).toEqual(expect.arrayContaining(["mysql_db dcv_imp", "seed dcv_imp", "mysql_user dcv_tls", "mysql_user dcv_tls_spec", "mysql_user dcv_tls_none"]));
    expect(first.stdout).toContain("+tls_requires: X509\n");
    expect(first.stdout).not.toContain("tls-pw");
    expect(await sql("SELECT id, body FROM dcv_imp.notes ORDER BY id")).toBe("1\théllo\n2\ttab\\there\n");
    expect(await tlsOf("dcv_tls")).toBe("X509\t\t\n");
    expect(await tlsOf("dcv_tls_spec")).toBe(`SPECIFIED\t${CIPHER}\t${SUBJECT}\n`);
    expect(await tlsOf("dcv_tls_none")).toBe("\t\t\n");

    const second = await site.converge(["--diff"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("a requirement changed by hand is reported by --check --diff, left alone, then put back; one added by hand is removed (as Ansible)", async () => {
    await sql("ALTER USER 'dcv_tls'@'%' REQUIRE SSL; ALTER USER 'dcv_tls_none'@'localhost' REQUIRE CIPHER 'AES256-SHA'");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["mysql_user dcv_tls", "mysql_user dcv_tls_none"]);
    expect(check.stdout).toContain("changed: [spare1] mysql_user dcv_tls (require SSL -> X509)");
    expect(check.stdout).toContain('changed: [spare1] mysql_user dcv_tls_none (require CIPHER "AES256-SHA" -> NONE)');
    expect(check.stdout).toContain("-tls_requires: SSL\n+tls_requires: X509\n");
    expect(await tlsOf("dcv_tls")).toBe("ANY\t\t\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(await tlsOf("dcv_tls")).toBe("X509\t\t\n");
    expect(await tlsOf("dcv_tls_none")).toBe("\t\t\n");
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("dump: --check writes nothing; every run dumps (changed), compressed by extension, ignored tables left out", async () => {
    await sql("CREATE DATABASE dcv_copy");
    const check = await site.converge(["--check"], { site: "dump.ts" });
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["dump gz", "dump plain", "dump two"]);
    expect(await sh(`ls -A ${DIR}`)).toBe("bad.sql\nseed.sql.gz\n");

    for (let run = 0; run < 2; run++) {
      const r = await site.converge(["-vvv"], { site: "dump.ts" });
      expect(r.code, explain(r)).toBe(0);
      expect(changedTasks(r)).toEqual(["dump gz", "dump plain", "dump two"]);
    }
    const gz = await sh(`cd ${DIR}; ls -A; stat -c '%a %U' out.sql.gz; gzip -dc out.sql.gz | grep -c 'CREATE TABLE'; gzip -dc out.sql.gz | grep -c skipme || true`);
    expect(gz).toBe("bad.sql\nboth.sql\nout.sql\nout.sql.gz\nseed.sql.gz\n644 root\n1\n0\n");
    expect(await sh(`grep -c 'CREATE TABLE' ${DIR}/out.sql; grep -c '^CREATE DATABASE' ${DIR}/both.sql`)).toBe("2\n2\n");
  });

  it("import: into a new database created with its collation, every time it runs; the file's rows arrive", async () => {
    await sql("DROP DATABASE dcv_copy");
    const check = await site.converge(["--check", "--diff"], { site: "import.ts" });
    expect(changedTasks(check)).toEqual(["import copy"]);
    expect(check.stdout).toContain(`changed: [spare1] import copy (create database, import ${DIR}/out.sql.gz into dcv_copy)`);
    expect(await sql("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_copy'")).toBe("0\n");
    for (let run = 0; run < 2; run++) {
      const r = await site.converge([], { site: "import.ts" });
      expect(r.code, explain(r)).toBe(0);
      expect(changedTasks(r)).toEqual(["import copy"]);
    }
    expect(await sql("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dcv_copy'")).toBe("utf8mb4_bin\n");
    expect(await sql("SELECT id, body FROM dcv_copy.notes ORDER BY id")).toBe("1\théllo\n2\ttab\\there\n");
    expect(await sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'dcv_copy' AND TABLE_NAME = 'skipme'")).toBe("0\n");
  });

  it("failures are clear: a missing target, a missing database, an SQL error (force goes on past it)", async () => {
    site.write("missing.ts", one(`await h.mysql_db({ name: "dcv_copy", state: "import", target: DIR + "/nope.sql.bz2" });`));
    const missing = await site.converge([], { site: "missing.ts" });
    expect(missing.code).not.toBe(0);
    expect(failedMsg(missing)).toBe(`target ${DIR}/nope.sql.bz2 does not exist on the host`);

    site.write("nodb.ts", one(`await h.mysql_db({ name: ["dcv_copy", "dcv_nope"], state: "dump", target: DIR + "/x.sql" });`));
    const nodb = await site.converge([], { site: "nodb.ts" });
    expect(failedMsg(nodb)).toBe("cannot dump dcv_nope: no such database");
    expect(await sh(`test -e ${DIR}/x.sql && echo there || echo absent`)).toBe("absent\n");

    site.write("bad.ts", one(`await h.mysql_db({ name: "dcv_copy", state: "import", target: DIR + "/bad.sql" });`));
    const bad = await site.converge([], { site: "bad.ts" });
    expect(failedMsg(bad)).toMatch(/^database dcv_copy: import of \/srv\/dcv-mysqldump\/bad.sql: ERROR 1064 \(42000\) at line 2: /);
    expect(await sql("SELECT id FROM dcv_copy.notes WHERE id > 2 ORDER BY id")).toBe("3\n");

    site.write("force.ts", one(`await h.mysql_db({ name: "dcv_copy", state: "import", target: DIR + "/bad.sql", force: true });`));
    await site.converge([], { site: "force.ts" });
    expect(await sql("SELECT id FROM dcv_copy.notes WHERE id > 2 ORDER BY id")).toBe("3\n4\n");

    site.write("schema.ts", one(`await h.mysql_db({ name: "dcv_copy", state: "dump", target: "relative.sql" });`));
    const schema = await site.converge([], { site: "schema.ts" });
    expect(schema.code).toBe(2);
    expect(failedMsg(schema)).toBe("invalid arguments: target: an absolute path");
  });
});
