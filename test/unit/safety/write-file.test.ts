import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WriteFileError, writeFileAtomic } from "../../../src/control-node/write-file.js";
import { scratchDir } from "./cli-helpers.js";

const root = scratchDir("write-file");
let n = 0;
const fresh = () => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};
const mode = (path: string) => statSync(path).mode & 0o7777;
/** The temporary name the writer used to pick: predictable by anyone who can list processes. */
const oldTempName = (dir: string, name: string) => join(dir, `.${name}.${process.pid}.tmp`);

const umask = process.umask();
afterEach(() => {
  process.umask(umask);
});

describe("writeFileAtomic", () => {
  it("a symlink planted at the old predictable temporary name redirects nothing", () => {
    const dir = fresh();
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, oldTempName(dir, "secrets.yml"));
    writeFileAtomic(join(dir, "secrets.yml"), "secret: s3cr3t\n", 0o600);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(join(dir, "secrets.yml"), "utf8")).toBe("secret: s3cr3t\n");
    expect(lstatSync(join(dir, "secrets.yml")).isFile()).toBe(true);
    expect(readlinkSync(oldTempName(dir, "secrets.yml"))).toBe(victim);
  });

  it("a world-readable file planted at the old temporary name does not make a 0600 secret 0644", () => {
    const dir = fresh();
    const planted = oldTempName(dir, "secrets.yml");
    writeFileSync(planted, "planted\n", { mode: 0o644 });
    writeFileAtomic(join(dir, "secrets.yml"), "secret: s3cr3t\n", 0o600);
    expect(mode(join(dir, "secrets.yml"))).toBe(0o600);
    expect(readFileSync(planted, "utf8")).toBe("planted\n");
  });

  it("gives exactly the mode asked for, whatever the umask", () => {
    const dir = fresh();
    process.umask(0);
    writeFileAtomic(join(dir, "secret"), "x", 0o600);
    writeFileAtomic(join(dir, "report"), "x");
    writeFileAtomic(join(dir, "hook"), "x", 0o755);
    process.umask(0o077);
    writeFileAtomic(join(dir, "shared"), "x", 0o644);
    expect([mode(join(dir, "secret")), mode(join(dir, "report")), mode(join(dir, "hook")), mode(join(dir, "shared"))]).toEqual([0o600, 0o644, 0o755, 0o644]);
  });

  it("replaces an existing file's content and mode", () => {
    const dir = fresh();
    const file = join(dir, "f");
    writeFileSync(file, "old", { mode: 0o666 });
    writeFileAtomic(file, "new", 0o600);
    expect([readFileSync(file, "utf8"), mode(file)]).toEqual(["new", 0o600]);
    expect(readdirSync(dir)).toEqual(["f"]);
  });

  it("fails on a directory as the target with a WriteFileError naming it, and leaves no temporary file", () => {
    const dir = fresh();
    mkdirSync(join(dir, "report.json"));
    expect(() => writeFileAtomic(join(dir, "report.json"), "{}")).toThrow(new WriteFileError(join(dir, "report.json"), "illegal operation on a directory (EISDIR)"));
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("fails when the directory cannot be made, naming the file", () => {
    const dir = fresh();
    writeFileSync(join(dir, "not-a-dir"), "");
    expect(() => writeFileAtomic(join(dir, "not-a-dir", "report.json"), "{}")).toThrow(`cannot write ${join(dir, "not-a-dir", "report.json")}: `);
    expect(readdirSync(dir)).toEqual(["not-a-dir"]);
  });
});
