import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { file, planFile } from "../../../src/modules/file.js";
import { parseTime, timeChanges, timeCommands, wantedTimes } from "../../../src/modules/file-times.js";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { LOCAL_INVENTORY, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";

// file's force (state=link), modification_time/access_time and the SELinux arguments, as
// Ansible's file module has them: the pure parts, then real files over the local connection.

const f = (path: string, type: "file" | "directory" | "link" = "file", target = "") => ({ type, path, owner: "root", group: "root", mode: "644", size: 0, sha256: "", target });
const absent = (path: string) => ({ type: "absent" as const, path });

describe("file times: the pure parts", () => {
  it("reads times in strptime formats, Ansible's default first; refuses what does not match or is no date", () => {
    expect(parseTime("202401021530.45", "%Y%m%d%H%M.%S")).toBe("2024-01-02 15:30:45");
    expect(parseTime("2024-01-02 03:04", "%Y-%m-%d %H:%M")).toBe("2024-01-02 03:04:00");
    expect(parseTime("24/1/2", "%y/%m/%d")).toBe("2024-01-02 00:00:00");
    expect(parseTime("99 100%", "%y 100%%")).toBe("1999-01-01 00:00:00");
    expect(() => parseTime("2024-01-02", "%Y%m%d%H%M.%S")).toThrow("time data '2024-01-02' does not match format '%Y%m%d%H%M.%S'");
    expect(() => parseTime("202402301200.00", "%Y%m%d%H%M.%S")).toThrow("is not a valid date and time");
    expect(parseTime("Jan 5", "%b %d")).toBe("1900-01-05 00:00:00");
    expect(() => parseTime("5", "%j")).toThrow("unsupported directive '%j'");
  });

  it("unset, times are kept (state=touch too, where Ansible's default is now); now is asked for explicitly", () => {
    const base = { modification_time_format: "%Y%m%d%H%M.%S", access_time_format: "%Y%m%d%H%M.%S" };
    expect(wantedTimes(base)).toEqual({ mtime: { kind: "preserve" }, atime: { kind: "preserve" } });
    expect(wantedTimes({ ...base, modification_time: "now", access_time: "preserve" }).mtime).toEqual({ kind: "now" });
  });

  it("now is always a change; a fixed time only when it differs; preserve never", () => {
    const t = (m: string, a: string) => wantedTimes({ modification_time: m, access_time: a, modification_time_format: "%Y%m%d%H%M.%S", access_time_format: "%Y%m%d%H%M.%S" });
    const epochs = { "2024-01-02 15:30:45": 1704209445 };
    expect(timeChanges(t("preserve", "preserve"), { mtime: 1, atime: 2, epochs })).toBeUndefined();
    expect(timeChanges(t("now", "preserve"), { mtime: 1, atime: 2, epochs })?.summary).toEqual(["mtime now"]);
    expect(timeChanges(t("202401021530.45", "preserve"), { mtime: 1704209445, atime: 2, epochs })).toBeUndefined();
    const c = timeChanges(t("202401021530.45", "202401021530.45"), { mtime: 1704209445.5, atime: 1704209445, epochs });
    expect(c).toEqual({ summary: ["mtime 202401021530.45"], before: "mtime: 2024-01-02T15:30:45.500Z\natime: 2024-01-02T15:30:45Z\n", after: "mtime: 2024-01-02T15:30:45Z\natime: 2024-01-02T15:30:45Z\n" });
    expect(timeCommands("/x y", t("202401021530.45", "now"), { epochs })).toEqual(["touch -c -m -d @1704209445 -- '/x y'", "touch -c -a -- '/x y'"]);
    expect(timeCommands("/x", t("now", "now"), { epochs })).toEqual(["touch -c -- /x"]);
  });

  it("the schema names a time that does not match its format, and refuses times with state=link or recurse", () => {
    expect(file.args.safeParse({ path: "/x", state: "touch", modification_time: "yesterday" }).error?.issues[0]).toMatchObject({ path: ["modification_time"], message: "time data 'yesterday' does not match format '%Y%m%d%H%M.%S'" });
    expect(file.args.safeParse({ path: "/x", state: "touch", access_time: "2024", access_time_format: "%Y" }).success).toBe(true);
    expect(file.args.safeParse({ path: "/x", state: "link", src: "/y", modification_time: "now" }).error?.issues[0]?.message).toContain("not supported with state=link");
    expect(file.args.safeParse({ path: "/x", state: "link", src: "/y", modification_time: "preserve", access_time: "preserve" }).success).toBe(true);
  });
});

describe("file force (state=link): the plan", () => {
  const link = (over: object = {}) => file.args.parse({ path: "/d/l", state: "link", src: "/d/t", ...over });
  it("refuses a missing src and a file or directory in the way unless forced, as Ansible", () => {
    expect(() => planFile(link(), { named: absent("/d/l"), target: absent("/d/l"), srcExists: false })).toThrow("/d/l: src /d/t does not exist (force: true makes the link anyway)");
    expect(planFile(link({ force: true }), { named: absent("/d/l"), target: absent("/d/l"), srcExists: false })?.summary).toEqual(["link to /d/t"]);
    expect(() => planFile(link(), { named: f("/d/l"), target: f("/d/l"), srcExists: true })).toThrow("/d/l is a file; refusing to replace it with a link (force: true replaces it)");
    expect(planFile(link({ force: true }), { named: f("/d/l"), target: f("/d/l"), srcExists: true })?.summary).toEqual(["relink file -> /d/t"]);
    expect(() => planFile(link(), { named: f("/d/l", "directory"), target: f("/d/l", "directory"), srcExists: true, dirEmpty: true })).toThrow("force: true replaces an empty one");
    expect(() => planFile(link({ force: true }), { named: f("/d/l", "directory"), target: f("/d/l", "directory"), srcExists: true, dirEmpty: false })).toThrow("the directory /d/l is not empty");
    expect(planFile(link({ force: true }), { named: f("/d/l", "directory"), target: f("/d/l", "directory"), srcExists: true, dirEmpty: true })?.create).toBe(true);
    // The right link already there: nothing to do.
    expect(planFile(link(), { named: f("/d/l", "link", "/d/t"), target: f("/d/l", "link", "/d/t"), srcExists: true })).toBeUndefined();
  });
});

describe("file SELinux arguments", () => {
  /** A host whose shell answers the SELinux check as `selinux` says, and every stat with "absent". */
  const ctxWith = (selinux: boolean, ran: string[]) =>
    ({
      host: "h",
      check: false,
      wantDiff: false,
      sh: { host: "h", run: (cmd: string) => (ran.push(cmd), Promise.resolve({ stdout: cmd.includes("/sys/fs/selinux/enforce") ? (selinux ? "enabled\n" : "") : "absent\n", stderr: "", rc: 0 })) },
      renderTemplate: () => "",
      readControlFile: () => Buffer.alloc(0),
    }) as unknown as ModuleContext;

  it("ignored where SELinux is not enabled, refused where it is; not even looked for when not given", async () => {
    const args = file.args.parse({ path: "/var/lib/mysql", state: "directory", setype: "mysqld_db_t", seuser: "system_u" });
    const off: string[] = [];
    await expect(file.probe(ctxWith(false, off), args)).resolves.toBeDefined();
    expect(off.some((c) => c.includes("/sys/fs/selinux/enforce"))).toBe(true);
    await expect(file.probe(ctxWith(true, []), args)).rejects.toThrow("/var/lib/mysql: SELinux is enabled on this host and setype/seuser is not supported (do-converge does not set SELinux contexts)");
    const plain: string[] = [];
    await file.probe(ctxWith(true, plain), file.args.parse({ path: "/var/lib/mysql", state: "directory" }));
    expect(plain.some((c) => c.includes("selinux"))).toBe(false);
  });
});

describe("file force, times and SELinux arguments on real files", () => {
  const work = scratchDir("file-args");
  const tasksOf = (json: string) => (JSON.parse(readFileSync(json, "utf8")) as { tasks: { status: string; msg?: string }[] }).tasks;
  async function converge(body: string, extra: string[] = []) {
    writeFileSync(join(work, "site.ts"), siteSource(body));
    const json = join(work, "report.json");
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck", "--json", json, ...extra]);
    return { ...r, tasks: tasksOf(json) };
  }
  const q = (p: string) => JSON.stringify(join(work, p));

  it("converges; a second run changes only what says now; --check changes nothing; the failures name the path", { timeout: 180_000 }, async () => {
    writeFileSync(join(work, "inventory.yml"), LOCAL_INVENTORY);
    mkdirSync(join(work, "avail"));
    writeFileSync(join(work, "avail", "site.conf"), "x\n");
    writeFileSync(join(work, "enabled.conf"), "in the way\n");
    writeFileSync(join(work, "log"), "keep\n");
    utimesSync(join(work, "log"), 1000000000, 1000000000);
    const body = `await h.file({ path: ${q("enabled.conf")}, src: ${q("avail/site.conf")}, state: "link", force: true });
await h.file({ path: ${q("log")}, state: "touch", modification_time: "preserve", access_time: "preserve", setype: "mysqld_log_t" });
await h.file({ path: ${q("stamp")}, state: "touch", modification_time: "202401021530.45", access_time: "202401021530.45" });
await h.file({ path: ${q("avail")}, state: "directory", modification_time: "now" });`;

    const check = await converge(body, ["--check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.tasks.map((t) => t.status)).toEqual(["changed", "ok", "changed", "changed"]);
    expect(lstatSync(join(work, "enabled.conf")).isFile()).toBe(true);

    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed", "ok", "changed", "changed"]);
    expect(readlinkSync(join(work, "enabled.conf"))).toBe(join(work, "avail", "site.conf"));
    expect(statSync(join(work, "log")).mtimeMs).toBe(1000000000000);
    const stamp = statSync(join(work, "stamp"));
    expect(stamp.mtime.getTime()).toBe(new Date(2024, 0, 2, 15, 30, 45).getTime());
    expect(stamp.atime.getTime()).toBe(stamp.mtime.getTime());

    // "now" is a change every time, as in Ansible; the rest is ok.
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok", "ok", "ok", "changed"]);

    utimesSync(join(work, "stamp"), 1000000000, 1000000000);
    const drift = await converge(body, ["--check", "--diff"]);
    expect(drift.tasks.map((t) => t.status)).toEqual(["ok", "ok", "changed", "changed"]);
    expect(drift.stdout).toContain("-mtime: 2001-09-09T01:46:40Z");
    expect(statSync(join(work, "stamp")).mtimeMs).toBe(1000000000000);
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok", "ok", "changed", "changed"]);

    writeFileSync(join(work, "other.conf"), "in the way\n");
    const bad = await converge(`await h.file({ path: ${q("other.conf")}, src: ${q("avail/site.conf")}, state: "link" }, { ignoreErrors: true });
await h.file({ path: ${q("dangling")}, src: "nowhere.conf", state: "link" }, { ignoreErrors: true });`);
    expect(bad.tasks.map((t) => `${t.status}: ${t.msg}`)).toEqual([
      `ignored: ${join(work, "other.conf")} is a file; refusing to replace it with a link (force: true replaces it)`,
      `ignored: ${join(work, "dangling")}: src ${join(work, "nowhere.conf")} does not exist (force: true makes the link anyway)`,
    ]);
    expect(readFileSync(join(work, "other.conf"), "utf8")).toBe("in the way\n");
  });
});
