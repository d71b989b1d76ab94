import { describe, expect, it } from "vitest";
import { parseDeb822, parseListFile, primaryMirror, renderSourcesList } from "../lab/apt-sources.js";

describe("the lab reads this machine's apt sources", () => {
  it("takes deb lines of a .list file (options dropped, deb-src, comments and junk ignored)", () => {
    const text = "# comment\ndeb [signed-by=/k.gpg arch=amd64] http://m.example/debian bookworm main contrib\ndeb-src http://m.example/debian bookworm main\nnot a line\ndeb http://broken\n";
    expect(parseListFile(text)).toEqual([{ uri: "http://m.example/debian", suites: ["bookworm"], components: ["main", "contrib"] }]);
  });

  it("takes deb stanzas of a .sources file, several suites and URIs, Enabled: no skipped", () => {
    const text = "Types: deb deb-src\nURIs: http://a/debian\n http://b/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nEnabled: no\nURIs: http://c/\nSuites: bookworm\nComponents: main\n";
    const sources = parseDeb822(text);
    expect(sources).toEqual([
      { uri: "http://a/debian", suites: ["bookworm", "bookworm-updates"], components: ["main"] },
      { uri: "http://b/debian", suites: ["bookworm", "bookworm-updates"], components: ["main"] },
    ]);
    expect(primaryMirror(sources)).toBe("http://a/debian");
    expect(renderSourcesList(sources.slice(0, 1))).toContain("deb http://a/debian bookworm-updates main\n");
  });
});
