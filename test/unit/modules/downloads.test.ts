import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { archiveFormat, manifestFromListing } from "../../../src/modules/archives.js";
import { curlConfig, curlQuote } from "../../../src/modules/curl-config.js";
import { Checksum, type GetUrlState, get_url, planGetUrl, redactUrl, urlFileName } from "../../../src/modules/downloads.js";
import { encodeBody, excerpt } from "../../../src/modules/uri.js";

const hasCommand = (c: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${c}`]);
    return true;
  } catch {
    return false;
  }
};

describe("curl config", () => {
  it("quotes as curl reads it: a real curl sends the exact header and the credentials of the URL", async () => {
    const seen: { auth?: string; odd?: string; path?: string } = {};
    const server = createServer((req, res) => {
      seen.auth = req.headers.authorization ?? "";
      seen.odd = String(req.headers["x-odd"] ?? "");
      seen.path = req.url ?? "";
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const odd = `quote " backslash \\ tab\there $HOME 'single'`;
    const config = curlConfig({ url: `http://us%40er:p%22w@127.0.0.1:${port}/a%20b?x=1`, headers: { "X-Odd": odd }, timeout: 5 });
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn("curl", ["--config", "-", "--output", "/dev/null", "--write-out", "%{http_code}"]);
      let s = "";
      c.stdout.on("data", (d: Buffer) => (s += String(d)));
      c.on("close", (code) => (code === 0 ? resolve(s) : reject(new Error(`curl exit ${code}`))));
      c.stdin.end(config);
    });
    server.close();
    expect(out).toBe("200");
    expect(seen.odd).toBe(odd);
    expect(seen.path).toBe("/a%20b?x=1");
    expect(Buffer.from((seen.auth ?? "").replace(/^Basic /, ""), "base64").toString()).toBe('us@er:p"w');
  });

  it("escapes newlines rather than ending the line", () => {
    expect(curlQuote("a\nb")).toBe('"a\\nb"');
  });
});

describe("get_url decisions", () => {
  const args = (a: Record<string, unknown>) => get_url.args.parse({ url: "https://example.com/x/app.tar.gz", dest: "/srv/app.tar.gz", ...a });
  const file = (sha256: string, extra: Partial<{ mode: string; owner: string }> = {}): GetUrlState => ({
    target: "/srv/app.tar.gz",
    file: { type: "file", path: "/srv/app.tar.gz", owner: "root", group: "root", mode: "644", size: 3, sha256, target: "", ...extra },
    digest: sha256,
  });
  const hex = "a".repeat(64);

  it("checksums: algorithm:hex, right length, lower-cased", () => {
    expect(Checksum.parse(`sha256:${"A".repeat(64)}`)).toEqual({ algorithm: "sha256", hex });
    expect(Checksum.safeParse(`sha256:${"a".repeat(40)}`).success).toBe(false);
    expect(Checksum.safeParse("crc32:abcd").success).toBe(false);
  });

  it("downloads when dest is missing, when its checksum differs, or with force (unpredictable in check mode)", () => {
    expect(planGetUrl(args({}), { target: "/srv/app.tar.gz", file: { type: "absent", path: "/srv/app.tar.gz" } })?.summary).toBe("download https://example.com/x/app.tar.gz");
    expect(planGetUrl(args({ checksum: `sha256:${"b".repeat(64)}` }), file(hex))?.summary).toMatch(/sha256 differs/);
    expect(planGetUrl(args({ force: true }), file(hex))).toMatchObject({ unpredictable: true });
  });

  it("no download (no request at all) for a matching checksum, or any existing file without checksum and force", () => {
    expect(planGetUrl(args({ checksum: `sha256:${hex}` }), file(hex))).toBeUndefined();
    expect(planGetUrl(args({}), file(hex))).toBeUndefined();
    expect(planGetUrl(args({ mode: "0600" }), file(hex))?.summary).toBe("mode 0644 -> 0600");
  });

  it("names and redacts URLs", () => {
    expect(urlFileName("https://h/dl/wordpress-6.4.tar.gz?x=1")).toBe("wordpress-6.4.tar.gz");
    expect(urlFileName("https://h/dl/a%20b.zip")).toBe("a b.zip");
    expect(urlFileName("https://h/")).toBe("");
    expect(redactUrl("https://user:pw@h/x")).toBe("https://***@h/x");
    expect(redactUrl("https://h/x@y")).toBe("https://h/x@y");
  });
});

describe("unarchive listings", () => {
  it("tells formats by name", () => {
    expect(["a.tar.gz", "a.TGZ", "a.tar.xz", "a.txz", "a.tar.bz2", "a.tar", "a.zip", "a.rar"].map(archiveFormat)).toEqual([
      "tar.gz",
      "tar.gz",
      "tar.xz",
      "tar.xz",
      "tar.bz2",
      "tar",
      "zip",
      undefined,
    ]);
  });

  it("strips components of tar and unzip listings as tar --strip-components does", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcv-listing-"));
    try {
      mkdirSync(join(dir, "pkg/sub"), { recursive: true });
      writeFileSync(join(dir, "pkg/sub/f"), "x");
      writeFileSync(join(dir, "pkg/top"), "y");
      writeFileSync(join(dir, "pkg/with space"), "z");
      execFileSync("tar", ["-czf", "a.tgz", "pkg"], { cwd: dir });
      execFileSync("tar", ["-czf", "b.tgz", "-C", join(dir, "pkg"), "."], { cwd: dir });
      const list = (a: string) => execFileSync("tar", ["--quoting-style=literal", "-tf", a], { cwd: dir, encoding: "utf8" });
      expect(manifestFromListing(list("a.tgz"), 0).sort()).toEqual(["pkg", "pkg/sub", "pkg/sub/f", "pkg/top", "pkg/with space"]);
      expect(manifestFromListing(list("a.tgz"), 1).sort()).toEqual(["sub", "sub/f", "top", "with space"]);
      expect(manifestFromListing(list("b.tgz"), 0).sort()).toEqual(["sub", "sub/f", "top", "with space"]);
      expect(manifestFromListing(list("a.tgz"), 2)).toEqual(["f"]);
      // What the marker lists is exactly what tar unpacks.
      mkdirSync(join(dir, "out"));
      execFileSync("tar", ["-xzf", "a.tgz", "-C", "out", "--strip-components=1"], { cwd: dir });
      const found = execFileSync("find", [".", "-mindepth", "1"], { cwd: join(dir, "out"), encoding: "utf8" }).trim().split("\n").map((p) => p.slice(2));
      expect(found.sort()).toEqual(manifestFromListing(list("a.tgz"), 1).sort());
      if (hasCommand("zip") && hasCommand("unzip")) {
        execFileSync("zip", ["-qr", "c.zip", "pkg"], { cwd: dir });
        const z = execFileSync("unzip", ["-Z1", "c.zip"], { cwd: dir, encoding: "utf8" });
        expect(manifestFromListing(z, 1).sort()).toEqual(["sub", "sub/f", "top", "with space"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves out entries that strip to nothing and .. names", () => {
    expect(manifestFromListing("./\n./a/\n./a/b\n../evil\n", 0)).toEqual(["a", "a/b"]);
  });
});

describe("uri bodies", () => {
  it("json, form-urlencoded and raw", () => {
    expect(encodeBody({ body: { a: 1 }, body_format: "json" })).toEqual({ body: '{"a":1}', contentType: "application/json" });
    expect(encodeBody({ body: '{"raw":true}', body_format: "json" })).toEqual({ body: '{"raw":true}', contentType: "application/json" });
    expect(encodeBody({ body: { a: "1 2", b: "x&y" }, body_format: "form-urlencoded" })).toEqual({ body: "a=1+2&b=x%26y", contentType: "application/x-www-form-urlencoded" });
    expect(encodeBody({ body: [["k", "v"], ["k", "w"]], body_format: "form-urlencoded" }).body).toBe("k=v&k=w");
    expect(encodeBody({ body: "plain", body_format: "raw" })).toEqual({ body: "plain" });
    expect(encodeBody({ body_format: "raw" })).toEqual({});
  });

  it("excerpts a body on one line", () => {
    expect(excerpt("<html>\n  <body>  x </body>\n</html>")).toBe("<html> <body> x </body> </html>");
    expect(excerpt("y".repeat(300))).toHaveLength(203);
  });
});
