import { describe, expect, it } from "vitest";
import { isNullRev, parseRefUpdates } from "../../../src/hook/events.js";
import { DEFAULT_PATHS, compilePattern, matchingPaths, parsePaths } from "../../../src/hook/paths.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);

describe("changed-path patterns", () => {
  it.each([
    ["roles/", "roles/galera/index.ts", true],
    ["roles/", "roles", false],
    ["roles/", "sub/roles/x.ts", true],
    ["roles/", "rolesx/a.ts", false],
    ["*.tf", "main.tf", true],
    ["*.tf", "terraform/main.tf", true],
    ["*.tf", "main.tfvars", false],
    ["*.tf", "main.tf.bak", false],
    ["terraform.tfstate", "terraform.tfstate", true],
    ["terraform.tfstate", "envs/prod/terraform.tfstate", true],
    ["terraform.tfstate", "terraform.tfstate.backup", false],
    ["site.ts", "site.ts", true],
    ["site.ts", "website.ts", false],
    ["/site.ts", "roles/site.ts", false],
    ["inventory/group_vars/", "inventory/group_vars/all/x.yml", true],
    ["inventory/group_vars/", "other/inventory/group_vars/x.yml", false],
    ["templates/*.njk", "templates/a.njk", true],
    ["templates/*.njk", "templates/sub/a.njk", false],
    ["templates/**/*.njk", "templates/sub/deep/a.njk", true],
    ["templates/**/*.njk", "templates/a.njk", true],
    ["**/secrets.yml", "inventory/group_vars/all/secrets.yml", true],
    ["inventory", "inventory/hosts.yml", true],
    ["?.tf", "a.tf", true],
    ["?.tf", "ab.tf", false],
    ["a+b.(x)", "a+b.(x)", true],
    ["a+b.(x)", "aab.x", false],
  ])("%s matches %s: %s", (pattern, path, expected) => {
    expect(compilePattern(pattern)(path)).toBe(expected);
  });

  it("the defaults trigger on the site, roles, templates, inventory and Terraform, not on the rest", () => {
    const changed = ["README.md", "docs/x.md", "site.ts", "roles/web/index.ts", "templates/a.njk", "inventory/hosts.yml", "tf/main.tf", "terraform.tfstate", ".gitignore", "package.json"];
    expect(matchingPaths(changed, DEFAULT_PATHS, "site.ts")).toEqual(["site.ts", "roles/web/index.ts", "templates/a.njk", "inventory/hosts.yml", "tf/main.tf", "terraform.tfstate"]);
    expect(matchingPaths(["README.md", "docs/roles.md", ".github/x.yml"], DEFAULT_PATHS, "site.ts")).toEqual([]);
  });

  it("are relative to the site's directory, and the site file itself always counts", () => {
    const changed = ["infra/templates/a.njk", "templates/other.njk", "infra/deploy.ts", "app/roles/x.ts", "infra/README.md"];
    expect(matchingPaths(changed, DEFAULT_PATHS, "infra/deploy.ts")).toEqual(["infra/templates/a.njk", "infra/deploy.ts"]);
    expect(matchingPaths(["deploy.ts", "README.md"], ["templates/"], "deploy.ts")).toEqual(["deploy.ts"]);
  });

  it("--paths is a comma-separated list", () => {
    expect(parsePaths(" templates/, *.tf ,,files/")).toEqual(["templates/", "*.tf", "files/"]);
  });
});

describe("post-receive's standard input", () => {
  it("is one OLD NEW REF line per ref, updates, new branches and deletions alike", () => {
    expect(parseRefUpdates(`${A} ${B} refs/heads/main\n${Z} ${B} refs/heads/new\n${A} ${Z} refs/tags/gone\n`)).toEqual([
      { old: A, new: B, ref: "refs/heads/main" },
      { old: Z, new: B, ref: "refs/heads/new" },
      { old: A, new: Z, ref: "refs/tags/gone" },
    ]);
  });

  it("takes SHA-256 names, CRLF line ends and blank lines; nothing is nothing", () => {
    const long = "c".repeat(64);
    expect(parseRefUpdates(`\n${long} ${"0".repeat(64)} refs/heads/x\r\n\n`)).toEqual([{ old: long, new: "0".repeat(64), ref: "refs/heads/x" }]);
    expect(parseRefUpdates("")).toEqual([]);
  });

  it("names the line it cannot read", () => {
    expect(() => parseRefUpdates(`${A} ${B} refs/heads/main\nmain\n`)).toThrow('post-receive input line 2: expected "OLD-REV NEW-REV REFNAME", got "main"');
    expect(() => parseRefUpdates(`${A} ${B}\n`)).toThrow("line 1");
  });

  it("the null revision is all zeros, of either length", () => {
    expect(isNullRev(Z)).toBe(true);
    expect(isNullRev("0".repeat(64))).toBe(true);
    expect(isNullRev(A)).toBe(false);
    expect(isNullRev(`${"0".repeat(39)}1`)).toBe(false);
  });
});
