import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RC_COMPRESS,
  RC_DECOMPRESS,
  RC_DUMP,
  RC_NO_TARGET,
  compressorOf,
  dumpCommand,
  dumpScript,
  importCommand,
  importScript,
} from "../../../src/modules/mysql-dump.js";
import { dbNames, mysql_db } from "../../../src/modules/mysql.js";

const login = mysql_db.args.parse({ name: "x" });
const dumpOpts = {
  names: ["app"],
  target: "/backup/app.sql.gz",
  single_transaction: false,
  quick: true,
  ignore_tables: [],
  hex_blob: false,
  force: false,
  skip_lock_tables: false,
};

describe("mysql_db's arguments for dump and import", () => {
  it("names: a list, or a string split on commas as Ansible does", () => {
    expect(dbNames("a, b")).toEqual(["a", "b"]);
    expect(dbNames(["a ", "b"])).toEqual(["a", "b"]);
    expect(dbNames("app")).toEqual(["app"]);
  });

  it("refuses what Ansible refuses, and several databases outside dump", () => {
    const problem = (a: Record<string, unknown>) => mysql_db.args.safeParse(a).error?.issues[0]?.message;
    expect(problem({ name: "app", state: "dump" })).toBe("state=dump needs target");
    expect(problem({ name: "app", state: "import" })).toBe("state=import needs target");
    expect(problem({ name: "a,b", state: "import", target: "/t.sql" })).toBe("state=import takes one database (or all)");
    expect(problem({ name: ["a", "b"] })).toMatch(/only supported with state=dump/);
    expect(problem({ name: "all" })).toBe("name=all only goes with state=dump or state=import");
    expect(problem({ name: "app", state: "dump", target: "/t.sql", ignore_tables: ["nodot"] })).toBe("database.table");
    expect(problem({ name: "app", state: "dump", target: "relative.sql" })).toBe("an absolute path");
    expect(problem({ name: "a,b", state: "dump", target: "/t.sql", single_transaction: true, ignore_tables: ["a.log"] })).toBeUndefined();
    expect(problem({ name: "app", state: "dump", target: "/t.sql", master_data: 1 })).toMatch(/master_data/);
  });
});

describe("the dump and import command lines", () => {
  it("picks the (de)compressor by the last extension, as Ansible", () => {
    expect(compressorOf("/a/b.sql.gz")?.tool).toBe("gzip");
    expect(compressorOf("/a/b.sql.bz2")?.tool).toBe("bzip2");
    expect(compressorOf("/a/b.sql.xz")?.pkg).toBe("xz-utils");
    expect(compressorOf("/a/b.sql.zst")?.tool).toBe("zstd");
    expect(compressorOf("/a/b.sql")).toBeUndefined();
    expect(compressorOf("/a/b.dump")).toBeUndefined();
  });

  it("mysqldump: one database by name, several with --databases, all; the options Ansible passes", () => {
    expect(dumpCommand(login, dumpOpts)).toBe("mysqldump --protocol=socket --socket=/run/mysqld/mysqld.sock app --quick");
    expect(dumpCommand(login, { ...dumpOpts, names: ["a", "b c"], quick: false, single_transaction: true, ignore_tables: ["a.log"], hex_blob: true, force: true, skip_lock_tables: true, encoding: "latin1" })).toBe(
      "mysqldump --protocol=socket --socket=/run/mysqld/mysqld.sock --force --databases a 'b c' --skip-lock-tables --default-character-set=latin1 --single-transaction --ignore-table=a.log --hex-blob",
    );
    expect(dumpCommand(login, { ...dumpOpts, names: "all", dump_extra_args: "--skip-triggers" })).toBe(
      "mysqldump --protocol=socket --socket=/run/mysqld/mysqld.sock --all-databases --quick --skip-triggers",
    );
  });

  it("mysql: --one-database unless all; compressed files through the decompressor", () => {
    expect(importCommand(login, { name: "app", target: "/t/app.sql", force: false })).toBe(
      "mysql --protocol=socket --socket=/run/mysqld/mysqld.sock --default-character-set=utf8mb4 --one-database app < /t/app.sql",
    );
    expect(importCommand(login, { name: "all", target: "/t/all.sql.xz", force: true, encoding: "latin1" })).toBe(
      "xz -dc -- /t/all.sql.xz | mysql --protocol=socket --socket=/run/mysqld/mysqld.sock --default-character-set=latin1 --force",
    );
  });

  it("a login password is in the option file only, never on the command line", () => {
    const withPw = mysql_db.args.parse({ name: "x", login_user: "bk", login_password: "pw'secret" });
    const script = dumpScript(withPw, dumpOpts, "n0nce") + importScript(withPw, { name: "app", target: "/t.sql", force: false });
    expect(script).not.toContain("secret");
    expect(script).toContain('mysqldump --defaults-file="$d/login.cnf" --protocol=socket');
    expect(script).toContain("IFS= read -r cnf");
  });
});

/**
 * The scripts run here by /bin/sh, with stand-ins for mysql and mysqldump on PATH: what reaches the
 * target, what is left behind, and which failure is reported.
 */
describe("the scripts, run against stand-in client tools", () => {
  let dir = "";
  let bin = "";
  const run = (script: string) => spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` }, encoding: "utf8" });
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const leftovers = () => readdirSync(dir).filter((f) => f.startsWith(".dcv-dump"));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dcv-dump-"));
    bin = join(dir, "bin");
    spawnSync("mkdir", [bin]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("dump: compressed into the target, atomically, with the old file's mode kept", () => {
    tool("mysqldump", 'echo "-- dump of $*"; echo "CREATE TABLE t (id INT);"');
    const target = join(dir, "app.sql.gz");
    writeFileSync(target, "old");
    chmodSync(target, 0o640);
    const r = run(dumpScript(login, { ...dumpOpts, target }, "a1"));
    expect(r.status, r.stderr).toBe(0);
    expect(gunzipSync(readFileSync(target)).toString()).toBe("-- dump of --protocol=socket --socket=/run/mysqld/mysqld.sock app --quick\nCREATE TABLE t (id INT);\n");
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(leftovers()).toEqual([]);
  });

  it("dump: a failing mysqldump leaves the previous dump in place, and nothing else", () => {
    tool("mysqldump", 'echo "partial"; echo "mysqldump: Got error: 1049: Unknown database" >&2; exit 2');
    for (const name of ["keep.sql", "keep.sql.gz"]) {
      const target = join(dir, name);
      writeFileSync(target, "previous");
      const r = run(dumpScript(login, { ...dumpOpts, target }, "b2"));
      expect(r.status).toBe(RC_DUMP);
      expect(r.stderr).toContain("Unknown database");
      expect(readFileSync(target, "utf8")).toBe("previous");
      expect(leftovers()).toEqual([]);
    }
  });

  it("dump: a failing compressor is reported as such", () => {
    tool("mysqldump", "echo data");
    tool("xz", "cat >/dev/null; echo 'xz: no space' >&2; exit 1");
    const target = join(dir, "app.sql.xz");
    const r = run(dumpScript(login, { ...dumpOpts, target }, "c3"));
    expect(r.status).toBe(RC_COMPRESS);
    expect(() => statSync(target)).toThrow();
    expect(leftovers()).toEqual([]);
  });

  it("import: the decompressed file reaches the client; the client's exit status is the script's", () => {
    tool("mysql", `cat > ${join(dir, "received")}; echo "$*" > ${join(dir, "args")}; exit \${MYSQL_RC:-0}`);
    const target = join(dir, "in.sql.gz");
    writeFileSync(target, gzipSync("INSERT INTO t VALUES (1);\n"));
    const r = run(importScript(login, { name: "app", target, force: true }));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "received"), "utf8")).toBe("INSERT INTO t VALUES (1);\n");
    expect(readFileSync(join(dir, "args"), "utf8")).toBe("--protocol=socket --socket=/run/mysqld/mysqld.sock --default-character-set=utf8mb4 --force --one-database app\n");
    const failing = spawnSync("sh", ["-c", importScript(login, { name: "app", target, force: false })], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, MYSQL_RC: "1" },
      encoding: "utf8",
    });
    expect(failing.status).toBe(1);
  });

  it("import: a corrupt archive and a missing target are told apart from the client's errors", () => {
    tool("mysql", "cat >/dev/null");
    const corrupt = join(dir, "bad.sql.gz");
    writeFileSync(corrupt, "not gzip at all");
    const r = run(importScript(login, { name: "app", target: corrupt, force: false }));
    expect(r.status).toBe(RC_DECOMPRESS);
    const missing = run(importScript(login, { name: "app", target: join(dir, "nope.sql"), force: false }));
    expect(missing.status).toBe(RC_NO_TARGET);
    expect(missing.stderr).toContain("does not exist on the host");
  });
});
