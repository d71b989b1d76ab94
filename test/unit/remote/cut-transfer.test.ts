import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { putFile, probeFiles } from "../../../src/remote/files.js";
import { RemoteShell } from "../../../src/remote/shell.js";
import { probeTextFile } from "../../../src/remote/text-file.js";
import { LocalConnection } from "../../../src/transport/local.js";
import type { Connection, ProcessChannel } from "../../../src/transport/types.js";

/**
 * A real /bin/sh (dash) fed through a pipe that can be cut: once armed, it passes on `budget`
 * more bytes and then closes the shell's input, as a killed control node or a dropped SSH
 * connection does. No mock of the shell: what the shell does with a cut-off script is the point.
 */
class CuttableConnection implements Connection {
  readonly kind = "local";
  private readonly local = new LocalConnection("cut");
  readonly host = "cut";
  readonly lost = this.local.lost;
  private budget = Number.POSITIVE_INFINITY;
  sent = 0;

  /** From now on, `bytes` more bytes reach the shell; then its input ends. */
  cutAfter(bytes: number): void {
    this.budget = bytes;
  }

  async spawn(command: string): Promise<ProcessChannel> {
    const inner = await this.local.spawn(command);
    const stdin = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (this.budget <= 0) return done();
        const part = chunk.subarray(0, Math.min(chunk.length, this.budget));
        this.budget -= part.length;
        this.sent += part.length;
        inner.stdin.write(part, () => {
          if (this.budget <= 0) inner.stdin.end();
          done();
        });
      },
      final: (done) => {
        inner.stdin.end();
        done();
      },
    });
    return { ...inner, stdin };
  }

  close(): Promise<void> {
    return this.local.close();
  }
}

describe("a transfer cut off mid-way never replaces or creates anything", () => {
  let dir: string;
  let conn: CuttableConnection;
  let sh: RemoteShell;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "dcv-cut-"));
    conn = new CuttableConnection();
    sh = await RemoteShell.open(conn);
  });
  afterEach(async () => {
    sh.close();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const leftovers = () => readdirSync(dir).filter((f) => f.startsWith(".dcv-"));

  it("putFile: the old content stays whole and no temporary file is left, wherever the cut falls", async () => {
    const dest = join(dir, "big.bin");
    const old = Buffer.alloc(2_000_000, "o");
    writeFileSync(dest, old);
    const content = Buffer.alloc(3_000_000, "n");
    // In the command text, early and late in the content, and just before its end marker.
    for (const at of [40, 1000, 1_500_000, 3_900_000, 4_053_000]) {
      conn.cutAfter(at);
      await expect(putFile(sh, dest, content)).rejects.toThrow();
      expect(readFileSync(dest).equals(old), `cut after ${at} bytes`).toBe(true);
      expect(leftovers(), `cut after ${at} bytes`).toEqual([]);
      conn.cutAfter(Number.POSITIVE_INFINITY);
      sh = await RemoteShell.open(conn);
    }
    // And whole, it goes in.
    await putFile(sh, dest, content);
    expect(readFileSync(dest).equals(content)).toBe(true);
  });

  it("a command never runs on part of its standard input", async () => {
    const out = join(dir, "out.txt");
    const input = `${"line\n".repeat(50_000)}end\n`;
    for (const at of [300, 100_000, 300_000]) {
      conn.cutAfter(at);
      await expect(sh.run(`cat > ${out}`, { stdin: input })).rejects.toThrow();
      expect(() => lstatSync(out), `cut after ${at} bytes`).toThrow();
      conn.cutAfter(Number.POSITIVE_INFINITY);
      sh = await RemoteShell.open(conn);
    }
    expect((await sh.run(`cat > ${out}`, { stdin: input })).rc).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(input);
  });
});

describe("remote file primitives with hostile names (a real shell)", () => {
  let dir: string;
  let conn: LocalConnection;
  let sh: RemoteShell;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "dcv-names-"));
    conn = new LocalConnection();
    sh = await RemoteShell.open(conn);
  });
  afterEach(async () => {
    sh.close();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a path with a newline is read and resolved as itself, not as its first line", async () => {
    writeFileSync(join(dir, "app"), "keep me\n");
    const odd = join(dir, "app\nnew.conf");
    const p = await probeTextFile(sh, odd);
    expect(p.realPath).toBe(odd);
    expect(p.file.type).toBe("absent");
    expect(p.parentExists).toBe(true);
    writeFileSync(odd, "x=1\n");
    const q = await probeTextFile(sh, odd);
    expect(q.realPath).toBe(odd);
    expect(q.content?.toString()).toBe("x=1\n");
    // A trailing newline is part of the name too.
    const trailing = join(dir, "app\n");
    expect((await probeTextFile(sh, trailing)).realPath).toBe(trailing);
  });

  it("a link target with newlines comes back whole, and a link to a directory says so", async () => {
    mkdirSync(join(dir, "d"));
    symlinkSync("x\ny", join(dir, "odd"));
    symlinkSync(join(dir, "d"), join(dir, "todir"));
    const [odd, todir, after] = await probeFiles(sh, [join(dir, "odd"), join(dir, "todir"), join(dir, "d")]);
    expect(odd).toMatchObject({ type: "link", target: "x\ny" });
    expect(odd?.type === "link" && odd.linksToDirectory).toBeFalsy();
    expect(todir).toMatchObject({ type: "link", linksToDirectory: true });
    expect(after?.type).toBe("directory");
  });

  it("putFile renames onto a link to a directory itself, never into the directory", async () => {
    mkdirSync(join(dir, "d"));
    symlinkSync(join(dir, "d"), join(dir, "todir"));
    await putFile(sh, join(dir, "todir"), "content\n");
    expect(readdirSync(join(dir, "d"))).toEqual([]);
    expect(lstatSync(join(dir, "todir")).isFile()).toBe(true);
  });

  it("validate's %s is the temporary file's path as text, so it works inside the command's own quotes", async () => {
    const dest = join(dir, "v.conf");
    await putFile(sh, dest, "non-empty\n", { validate: "sh -c 'test -s %s'" });
    expect(readFileSync(dest, "utf8")).toBe("non-empty\n");
    await expect(putFile(sh, dest, "", { validate: "sh -c 'test -s %s' && echo 100%% sure" })).rejects.toThrow(/validation failed/);
    expect(readFileSync(dest, "utf8")).toBe("non-empty\n");
    expect(readdirSync(dir).filter((f) => f.startsWith(".dcv-"))).toEqual([]);
  });

  it("a new file's mode is exact whatever the umask, and the temporary file is private while it fills", async () => {
    const dest = join(dir, "secret");
    await putFile(sh, dest, "s3cret\n", { mode: "0600" });
    expect(lstatSync(dest).mode & 0o777).toBe(0o600);
    chmodSync(dest, 0o640);
    await putFile(sh, dest, "s3cret2\n");
    expect(lstatSync(dest).mode & 0o777).toBe(0o640);
  });
});
