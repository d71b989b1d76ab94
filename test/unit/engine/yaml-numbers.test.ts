import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readExtraVars } from "../../../src/cli/extra-vars.js";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { play, role, site, z } from "../../../src/index.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { defaultSshOptions } from "../../../src/transport/ssh.js";
import { tempTree } from "../inventory/helpers.js";

// YAML numbers on both sides of the engine: a role's zod schema and its code get plain
// JavaScript numbers (`z.number()` accepts `ratio: 3.0`), while a template rendering the same
// variables prints them as Ansible does (3.0, and an int past 2^53 with all its digits). A real
// converge of localhost over the local connection; nothing is mocked.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Seen {
  ratio?: unknown;
  port?: unknown;
  big?: unknown;
  hostvarsRatio?: unknown;
}

/** Converges the app role on localhost; `extraVars` may name files of the tree as `@FILE`. */
async function converge(files: Record<string, string>, extraVars: string[] = []) {
  const dir = await tempTree({
    "inventory.yml": "all:\n  hosts:\n    localhost: { ansible_connection: local }\n",
    "roles/app/templates/app.conf.j2":
      "ratio={{ ratio }} port={{ port }} big={{ big }} sum={{ ratio + port }} json={{ {'r': ratio, 'b': big} | to_json }} is_float={{ ratio is float }} hv={{ hostvars['localhost'].ratio }}\n",
    ...files,
  });
  dirs.push(dir);
  const seen: Seen = {};
  const app = role({
    name: "app",
    dir: join(dir, "roles/app"),
    vars: z.object({ ratio: z.number(), port: z.number().int(), big: z.number() }),
    async tasks(h, v) {
      seen.ratio = v.ratio;
      seen.port = v.port;
      seen.big = v.big;
      seen.hostvarsRatio = h.hostvars("localhost").ratio;
      await h.template({ src: "app.conf.j2", dest: join(dir, "out/app.conf"), mode: "0644" });
    },
  });
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const extra = await readExtraVars(extraVars.map((e) => e.replace(/^@/, `@${dir}/`)));
  const s = site({ plays: [play({ name: "app", hosts: "all", gatherFacts: false, roles: [app] })] });
  mkdirSync(join(dir, "out"));
  const result = await runSite(
    s,
    inventory,
    { check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: extra.values, extraVarsExact: extra.exact, verbosity: 0, ssh: defaultSshOptions() },
    { siteDir: dir, emit: () => {}, templates: createTemplateRenderer() },
  );
  return { seen, result, rendered: readFileSync(join(dir, "out/app.conf"), "utf8"), dir };
}

describe("numbers from group_vars: plain for schemas and code, Python's for templates", () => {
  it("z.number() accepts 3.0 and 3306 as numbers; the template prints 3.0 and 3306", async () => {
    const { seen, rendered } = await converge({ "group_vars/all.yml": "ratio: 3.0\nport: 3306\nbig: 12345678901234567890\n" });
    expect(seen.ratio).toBe(3);
    expect(seen.port).toBe(3306);
    expect(typeof seen.big).toBe("number");
    expect(seen.big).toBe(12345678901234567890);
    // Role code asking for hostvars gets the plain form too.
    expect(seen.hostvarsRatio).toBe(3);
    expect(rendered).toBe(
      'ratio=3.0 port=3306 big=12345678901234567890 sum=3309.0 json={"r": 3.0, "b": 12345678901234567890} is_float=True hv=3.0\n',
    );
  });

  it("-e @file.yml: the same rules as group_vars", async () => {
    const { seen, rendered } = await converge(
      { "group_vars/all.yml": "ratio: 1.5\nport: 80\nbig: 1\n", "extra.yml": "ratio: 8.0\nbig: 18446744073709551616\n" },
      ["@extra.yml"],
    );
    expect(seen.ratio).toBe(8);
    expect(rendered).toMatch(/^ratio=8\.0 port=80 big=18446744073709551616 /);
  });

  it("a value the role's schema transformed is rendered as the schema made it", async () => {
    const dir = await tempTree({
      "inventory.yml": "all:\n  hosts:\n    localhost: { ansible_connection: local }\n",
      "group_vars/all.yml": "ratio: 3.0\n",
      "roles/t/templates/t.j2": "{{ ratio }}\n",
    });
    dirs.push(dir);
    const t = role({
      name: "t",
      dir: join(dir, "roles/t"),
      vars: z.object({ ratio: z.number().transform((n) => n * 2) }),
      async tasks(h) {
        await h.template({ src: "t.j2", dest: join(dir, "t.out"), mode: "0644" });
      },
    });
    const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
    await runSite(
      site({ plays: [play({ name: "t", hosts: "all", gatherFacts: false, roles: [t] })] }),
      inventory,
      { check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions() },
      { siteDir: dir, emit: () => {}, templates: createTemplateRenderer() },
    );
    // 6, not 6.0 nor the 3.0 read from YAML: the exact form only stands in for the value it mirrors.
    expect(readFileSync(join(dir, "t.out"), "utf8")).toBe("6\n");
  });
});
