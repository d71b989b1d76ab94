import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UnchangedFileCache } from "../../../src/control-node/unchanged-file-cache.js";

const dir = mkdtempSync(join(tmpdir(), "dcv-unchanged-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("UnchangedFileCache", () => {
  it("parses a file once while it is unchanged, again once its size or mtime changes", () => {
    const parsed: string[] = [];
    const cache = new UnchangedFileCache((content) => {
      parsed.push(content.toString());
      return content.toString().toUpperCase();
    });
    const f = join(dir, "a");
    writeFileSync(f, "one");
    expect(cache.get(f, statSync(f))).toBe("ONE");
    expect(cache.get(f, statSync(f))).toBe("ONE");
    expect(parsed).toEqual(["one"]);
    writeFileSync(f, "one two");
    expect(cache.get(f, statSync(f))).toBe("ONE TWO");
    // The same size, another mtime (two writes in one kernel tick share one: set apart here).
    writeFileSync(f, "ONE tWO");
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    expect(cache.get(f, statSync(f))).toBe("ONE TWO");
    expect(parsed).toEqual(["one", "one two", "ONE tWO"]);
  });

  it("parses a file that is not regular every time", () => {
    let n = 0;
    const cache = new UnchangedFileCache(() => ++n);
    expect(cache.get("/dev/null", statSync("/dev/null"))).toBe(1);
    expect(cache.get("/dev/null", statSync("/dev/null"))).toBe(2);
  });
});
