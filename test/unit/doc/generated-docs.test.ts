import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODULES_DIR, writeDocs } from "../../../src/doc/generate.js";
import { GUIDES_WITH_INCLUDES } from "../../../src/doc/includes.js";
import { modules } from "../../../src/modules/registry.js";
import { scratchDir } from "../safety/cli-helpers.js";

// docs/modules/ and docs/cli.md are generated from the code, and the guides' included files
// (docs/guides/writing-modules.md's example) written into them: regenerated into a scratch
// directory, they must be what the repository holds, or the documentation says what the code no
// longer does.

const repo = new URL("../../../", import.meta.url).pathname;
const FIX = "run `npm run docs` and commit the result";

describe("the generated reference (docs/modules/, docs/cli.md) and the guides' includes", () => {
  const dir = scratchDir("generated-docs");
  const written = writeDocs(dir);

  it("is what the code generates now", () => {
    const stale = written.filter((path) => !existsSync(join(repo, path)) || readFileSync(join(repo, path), "utf8") !== readFileSync(join(dir, path), "utf8"));
    expect(stale.map((p) => `${p} is stale: ${FIX}`)).toEqual([]);
  });

  it("holds no page of a module that is gone", () => {
    const pages = readdirSync(join(repo, MODULES_DIR)).filter((n) => n.endsWith(".md"));
    const orphans = pages.map((n) => `${MODULES_DIR}/${n}`).filter((p) => !written.includes(p));
    expect(orphans.map((p) => `${p} documents no module: ${FIX}`)).toEqual([]);
  });

  it("has a page per module, an index, and the CLI reference", () => {
    expect(written.sort()).toEqual([...Object.keys(modules).map((n) => `${MODULES_DIR}/${n}.md`), `${MODULES_DIR}/README.md`, "docs/cli.md", ...GUIDES_WITH_INCLUDES].sort());
    const cli = readFileSync(join(dir, "docs/cli.md"), "utf8");
    // Built from the program: its subcommands and their options are there.
    expect(cli).toContain("#### do-converge template render\n");
    expect(cli).toContain("| `--facts-cache <dir>` |");
    expect(cli).toContain("| `-f, --forks <n>` | hosts worked on at once (default: 20) |");
    expect(cli).toContain("### do-converge doc\n");
    const copy = readFileSync(join(dir, MODULES_DIR, "copy.md"), "utf8");
    expect(copy).toContain("| `dest` | `string` | required |  | The file to write (absolute path); its directory must exist. |");
    expect(copy).toContain("| `mode` | `string \\| integer` |");
    expect(copy).toContain("```ts\nawait h.copy({");
    expect(readFileSync(join(dir, MODULES_DIR, "README.md"), "utf8")).toContain("| [copy](copy.md) | A file's whole content");
  });
});
