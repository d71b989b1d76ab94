import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempTree } from "../inventory/helpers.js";
import { STACK_TRACE, cli } from "../safety/cli-helpers.js";

// A site finds a role's templates, files and vars under roles/<name>: `import role --out` names the
// role after its folder, and a --name that the folder contradicts is refused before anything is written.

const ROLE = { "geerlingguy.web/tasks/main.yml": "- template: { src: site.j2, dest: /tmp/site }\n", "geerlingguy.web/templates/site.j2": "x\n" };

describe("import role: the role's name and its folder", { timeout: 60_000 }, () => {
  it("--out alone names the role after the folder it is written to", async () => {
    const dir = await tempTree(ROLE);
    const r = await cli(dir, ["import", "role", "geerlingguy.web", "--out", "roles/frontend"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("role frontend written to roles/frontend");
    expect(readFileSync(join(dir, "roles/frontend/index.ts"), "utf8")).toContain('name: "frontend"');
  });

  it("--name with an --out folder of another name is refused, naming both, and writes nothing", async () => {
    const dir = await tempTree(ROLE);
    const r = await cli(dir, ["import", "role", "geerlingguy.web", "--name", "web", "--out", "roles/frontend"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--out is a folder named frontend, but the role is named web");
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, "roles"))).toBe(false);
  });

  it("without --out the role is the directory's name without its namespace, written to roles/<name>", async () => {
    const dir = await tempTree(ROLE);
    const r = await cli(dir, ["import", "role", "geerlingguy.web"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "roles/web/templates/site.j2"))).toBe(true);
  });
});
