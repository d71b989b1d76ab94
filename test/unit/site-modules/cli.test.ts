import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRY } from "../../cli-entry.js";
import { DSL, LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir } from "../safety/cli-helpers.js";

// A site's own module through the CLI, as an operator runs it: the site is type-checked with the
// module's argument types, secrets are masked in its diffs and reports, and a module the run
// must refuse is refused before a host is touched (exit 1, one line, no stack trace).

const root = scratchDir("site-modules");
/** key-value.ts where a site would have it, importing the contract from the build the CLI runs. */
const MODULE = join(root, "key-value.ts");
writeFileSync(MODULE, readFileSync(new URL("./key-value.ts", import.meta.url), "utf8").replace('"../../../src/module.js"', JSON.stringify(ENTRY.module)));
const SECRET = "Zq8vT3xKp9LmW2rN";
let n = 0;

/** A site directory on the local connection; `tasks` is the role's tasks body (`h`, `v`, `out` in scope). */
function siteDir(tasks: string, extra = ""): string {
  const dir = join(root, String(n++));
  mkdirSync(join(dir, "group_vars"), { recursive: true });
  writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
  writeFileSync(join(dir, "group_vars/all.yml"), `token: ${SECRET}\n`);
  writeFileSync(
    join(dir, "site.ts"),
    `import { play, role, secret, site, z } from ${JSON.stringify(DSL)};
import { keyValue } from ${JSON.stringify(MODULE)};
${extra}
const out = ${JSON.stringify(join(dir, "app.conf"))};
const app = role({
  name: "app",
  vars: z.object({ token: secret() }),
  modules: [keyValue],
  tasks: async (h, v) => {
${tasks}
  },
});
export default site({ inventory: ["hosts.yml"], plays: [play({ name: "p", hosts: "all", gatherFacts: false, roles: [app] })] });
`,
  );
  return dir;
}

describe("a site's own module through the CLI", { timeout: 180_000 }, () => {
  it("type-checks, converges, and masks the secrets in its diff and reports", async () => {
    const dir = siteDir('    await h.key_value({ path: out, key: "token", value: v.token });\n    await h.key_value({ path: out, key: "port", value: "8080" });');
    const first = await cli(dir, ["site.ts", "--diff", "--json", "report.json"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(join(dir, "app.conf"), "utf8")).toBe(`token=${SECRET}\nport=8080\n`);
    expect(first.stdout).toContain("+token=********");
    expect(first.stdout).toContain("+port=8080");
    const report = readFileSync(join(dir, "report.json"), "utf8");
    expect(JSON.parse(report)).toMatchObject({ tasks: [{ module: "key_value", status: "changed" }, { module: "key_value", status: "changed" }] });
    expect(first.stdout + first.stderr + report).not.toContain(SECRET);

    writeFileSync(join(dir, "app.conf"), "token=old\nport=8080\n");
    const check = await cli(dir, ["site.ts", "--check", "--diff"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/-token=old\n\+token=\*{8}\n/);
    expect(check.stdout).toMatch(/changed=1 /);
    expect(readFileSync(join(dir, "app.conf"), "utf8")).toBe("token=old\nport=8080\n");
  });

  it("refuses a wrong argument in the site's type-check, naming file, line and argument; nothing runs", async () => {
    const dir = siteDir('    await h.key_value({ path: out, key: "port", value: 8080 });');
    const r = await cli(dir, ["site.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: the site does not type-check \(nothing was run\):\n {2}site\.ts:10:49: Type 'number' is not assignable to type 'string'/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, "app.conf"))).toBe(false);
  });

  it("refuses a call of a module the role does not list, in the type-check", async () => {
    const dir = join(root, String(n++));
    mkdirSync(dir);
    writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
    writeFileSync(
      join(dir, "site.ts"),
      `import { play, role, site } from ${JSON.stringify(DSL)};
import { keyValue } from ${JSON.stringify(MODULE)};
const bare = role({ name: "bare", tasks: async (h) => { await h.key_value({ path: "/tmp/x", key: "k", value: "v" }); } });
export default site({ inventory: ["hosts.yml"], plays: [play({ name: "p", hosts: "all", modules: [keyValue], roles: [bare] })] });
`,
    );
    const r = await cli(dir, ["site.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: the site does not type-check \(nothing was run\):\n {2}site\.ts:3:65: Property 'key_value' does not exist on type 'Host</);
  });

  it("refuses a module named as a built-in one when the site loads: exit 1, nothing run", async () => {
    const clash = 'const file = { ...keyValue, name: "file" as const };';
    const dir = siteDir('    await h.key_value({ path: out, key: "port", value: "1" });', clash);
    writeFileSync(join(dir, "site.ts"), readFileSync(join(dir, "site.ts"), "utf8").replace("modules: [keyValue]", "modules: [keyValue, file]"));
    const r = await cli(dir, ["site.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: site.ts: role app: modules[1]: "file" is a built-in module\'s name (h.file): give yours another\n');
    expect(existsSync(join(dir, "app.conf"))).toBe(false);
  });

  it("doc --site lists and documents the site's own modules beside the built-in ones", async () => {
    const noDoc = 'const bare = { ...keyValue, name: "bare_kv" as const, doc: undefined };';
    const dir = siteDir('    await h.key_value({ path: out, key: "port", value: "1" });', noDoc);
    writeFileSync(join(dir, "site.ts"), readFileSync(join(dir, "site.ts"), "utf8").replace("modules: [keyValue]", "modules: [keyValue, bare]"));
    const list = await cli(dir, ["doc", "--site", "site.ts"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^copy +A file's whole content/m);
    expect(list.stdout).toMatch(/^key_value +One key=value line of a file\.$/m);
    expect(list.stdout).toMatch(/^bare_kv +\(its definition gives no doc\)$/m);
    const one = await cli(dir, ["doc", "key_value", "--site", "site.ts"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^key_value: h\.key_value\(args, meta\?\)\n {2}One key=value line of a file\.\n\nARGUMENTS\n {2}path: string; required\n {6}The file\.\n/);
    expect(one.stdout).toContain("DIFF (--diff)\n  The file before and after.");
    expect(one.stdout).toContain('EXAMPLE\n  await h.key_value({ path: "/etc/app.conf", key: "port", value: "8080" });');
    const without = await cli(dir, ["doc", "key_value"]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/^ERROR: no module named "key_value"/);
    const missing = await cli(dir, ["doc", "--site", "nowhere.ts"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("ERROR: nowhere.ts: no such site file\n");
  });
});
