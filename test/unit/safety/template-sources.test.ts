import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, role, site } from "../../../src/index.js";
import { ConfigError } from "../../../src/runner/errors.js";
import { checkTemplateSources } from "../../../src/runner/template-check.js";
import { DSL, LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir } from "./cli-helpers.js";

const root = scratchDir("template-sources");
process.env.XDG_CACHE_HOME = join(root, ".xdg-cache");
let n = 0;

/** A site directory holding `files` (relative path → content). */
function siteDir(files: Record<string, string>): string {
  const dir = join(root, String(n++));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe("a template named by a literal src that does not exist", () => {
  it("stops the run before any host is touched: the first task's file is not created (it was, then the run failed mid-way)", async () => {
    const dir = siteDir({ "hosts.yml": LOCAL_INVENTORY, "templates/present.njk": "hello\n" });
    const created = join(dir, "created-by-the-first-task");
    writeFileSync(
      join(dir, "site.ts"),
      `import { play, site } from ${JSON.stringify(DSL)};
export default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.file({ path: ${JSON.stringify(created)}, state: "touch" });
  await h.template({ src: "present.njk", dest: ${JSON.stringify(join(dir, "present"))} });
  await h.template({
    src: "missing.njk",
    dest: ${JSON.stringify(join(dir, "missing"))},
  });
} })] });
`,
    );
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toBe("ERROR: missing template (nothing was run):\n  site.ts:6: template 'missing.njk' not found in templates/\n");
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toBe("");
    expect(existsSync(created)).toBe(false);
  }, 60_000);

  it("in a role's own file: named at that file and line, with every template directory looked in", async () => {
    const dir = siteDir({
      "templates/shared.njk": "shared\n",
      "roles/web/templates/web.conf.njk": "web\n",
      "roles/web/index.ts": 'export const tasks = async (h) => {\n  await h.template({ src: "web.conf.njk", dest: "/x" });\n  await h.template({ src: "shared.njk", dest: "/y" });\n  await h.template({ src: "nginx.conf.njk", dest: "/z" });\n};\n',
    });
    const web = role({ name: "web", dir: join(dir, "roles/web"), tasks: async () => {} });
    const s = site({ plays: [play({ name: "p", hosts: "all", roles: [web] })] });
    const err = await checkTemplateSources(s, join(dir, "site.ts")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe("missing template (nothing was run):\n  roles/web/index.ts:4: template 'nginx.conf.njk' not found in templates/, roles/web/templates/");
  });

  it("judges only this site's code: a test, another site or an unused role beside it may name what it likes; computed names are not judged", async () => {
    const dir = siteDir({
      "templates/app.njk": "app\n",
      "site.ts": 'h.template({ src: "app.njk", dest: "/a" });\nh.template({ src: `${name}.njk`, dest: "/b" });\n',
      "staging.ts": 'h.template({ src: "staging-only.njk", dest: "/a" });\n',
      "test/site.test.ts": 'h.template({ src: "fixture.njk", dest: "/a" });\n',
      "roles/unused/index.ts": 'h.template({ src: "unused.njk", dest: "/a" });\n',
    });
    const s = site({ plays: [play({ name: "p", hosts: "all", tasks: async () => {} })] });
    await expect(checkTemplateSources(s, join(dir, "site.ts"))).resolves.toBeUndefined();
  });
});
