import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Every relative link of the README and of docs/**/*.md must lead somewhere: a file (or folder)
// that exists and, for `file.md#anchor` or `#anchor`, a heading of that file with GitHub's slug.
// The documentation moves between files; a link left behind is found here, named with its file
// and line.

const ROOT = resolve(new URL("../..", import.meta.url).pathname);

interface Link {
  file: string;
  line: number;
  target: string;
}

/**
 * Text outside fenced code blocks, line by line (1-based line numbers kept); inline code removed
 * unless `keepInlineCode` (a heading's inline code is part of its anchor).
 */
function proseLines(text: string, keepInlineCode = false): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split("\n").forEach((raw, i) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (open?.[1] !== undefined) {
      const mark = open[1];
      if (fence === undefined) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    out.push({ line: i + 1, text: keepInlineCode ? raw : raw.replace(/(`+)[^`][\s\S]*?\1|``/g, "") });
  });
  return out;
}

/** The links of a markdown file: inline `[t](target)`, images, and reference definitions. */
function linksOf(file: string, text: string): Link[] {
  const links: Link[] = [];
  for (const { line, text: prose } of proseLines(text)) {
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, line, target: m[1] ?? "" });
    const def = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (def?.[1] !== undefined) links.push({ file, line, target: def[1] });
  }
  return links;
}

/** GitHub's anchor for a heading: the rendered text lowercased, punctuation dropped, spaces as `-`. */
function slugOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .replace(/<[^>]+>/g, "");
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a markdown file's headings give, with GitHub's -1, -2 for repeated ones. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: line } of proseLines(text, true)) {
    const h = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h?.[1] === undefined) continue;
    const base = slugOf(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Broken links, as "file:line: target: why", for the markdown files given (paths under root). */
function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (path: string) => {
    let a = anchorCache.get(path);
    if (a === undefined) {
      a = anchorsOf(readFileSync(path, "utf8"));
      anchorCache.set(path, a);
    }
    return a;
  };
  for (const file of files) {
    const path = join(root, file);
    for (const link of linksOf(file, readFileSync(path, "utf8"))) {
      const where = `${link.file}:${link.line}: ${link.target}`;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto: ...
      if (link.target.startsWith("/")) {
        problems.push(`${where}: an absolute path (write it relative to ${file})`);
        continue;
      }
      const [pathPart = "", anchor] = link.target.split("#", 2);
      const dest = pathPart === "" ? path : resolve(dirname(path), decodeURIComponent(pathPart));
      if (!existsSync(dest)) {
        problems.push(`${where}: no such file (${relative(root, dest)})`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (statSync(dest).isDirectory() || !dest.endsWith(".md")) continue;
      if (!anchors(dest).has(decodeURIComponent(anchor).toLowerCase())) {
        problems.push(`${where}: no heading with the anchor #${anchor} in ${relative(root, dest)}`);
      }
    }
  }
  return problems;
}

function markdownUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownUnder(root, rel));
    else if (entry.name.endsWith(".md")) out.push(rel);
  }
  return out.sort();
}

const scratch = mkdtempSync(join(tmpdir(), "dcv-docs-links-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the link checker itself", () => {
  it("names a missing file, a missing anchor and an absolute path, each with its file and line", () => {
    mkdirSync(join(scratch, "docs/guides"), { recursive: true });
    writeFileSync(join(scratch, "README.md"), "# Top\n\nSee [guide](docs/guides/a.md#the-json-report---json) and [gone](docs/nope.md).\n");
    writeFileSync(
      join(scratch, "docs/guides/a.md"),
      [
        "# A guide",
        "",
        "## The JSON report (`--json`)",
        "",
        "Back [up](../../README.md#top), [wrong](../../README.md#bottom), [root](/etc/passwd).",
        "",
        "```md",
        "[in a code block](not-checked.md)",
        "```",
        "",
        "Inline `[code](not-checked.md)` and [self](#the-json-report---json) and [web](https://example.org/x.md).",
        "",
      ].join("\n"),
    );
    expect(brokenLinks(scratch, ["README.md", "docs/guides/a.md"])).toEqual([
      "README.md:3: docs/nope.md: no such file (docs/nope.md)",
      "docs/guides/a.md:5: ../../README.md#bottom: no heading with the anchor #bottom in README.md",
      "docs/guides/a.md:5: /etc/passwd: an absolute path (write it relative to docs/guides/a.md)",
    ]);
  });

  it("gives GitHub's anchors: punctuation dropped, inline code kept as text, repeats numbered", () => {
    expect([...anchorsOf("# Scheduled re-convergence\n## The host context: `h`\n## init: a site's DigitalOcean access\n## Tests\n## Tests\n")]).toEqual([
      "scheduled-re-convergence",
      "the-host-context-h",
      "init-a-sites-digitalocean-access",
      "tests",
      "tests-1",
    ]);
  });
});

describe("the documentation's links", () => {
  const files = ["README.md", ...markdownUnder(ROOT, "docs")];

  it("finds the documentation: the README, the index, getting started, the generated references", () => {
    for (const f of ["docs/README.md", "docs/getting-started.md", "docs/cli.md", "docs/modules/README.md"]) expect(files).toContain(f);
    expect(linksOf("README.md", readFileSync(join(ROOT, "README.md"), "utf8")).map((l) => l.target)).toContain("docs/getting-started.md");
  });

  it("every relative link of README.md and docs/**/*.md leads to a file that exists, and to a heading there", () => {
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });
});

describe("the README's first lines", () => {
  it("give the two commands, first, and both are package scripts", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8").split("\n");
    const fence = readme.findIndex((l) => l.startsWith("```"));
    expect(readme.slice(0, fence).filter((l) => l.trim() !== "" && !l.startsWith("# "))).toEqual([]);
    expect(readme[fence + 1]).toMatch(/^npm ci && npm run demo\s+#/);
    expect(readme[fence + 2]).toMatch(/^npm test\s+#/);
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(["demo", "test"]));
  });
});
