import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readExtraVars } from "../../../src/cli/extra-vars.js";
import { InventorySyntaxError, YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { parseVarsText } from "../../../src/inventory/vars-file.js";
import { tempTree, thrown } from "../inventory/helpers.js";
import { LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir, siteSource } from "./cli-helpers.js";

/**
 * "Billion laughs": ten levels of nine aliases each, 9^10 strings if expanded. lol0 to lol2 stay
 * under the yaml package's limit (lol2: 9 uses of an anchor holding 9 aliases); lol3, the bomb's
 * 4th line, passes it; its value starts at column 11 (after the anchor).
 */
function aliasBomb(indent = ""): string {
  const lines = [`${indent}lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  for (let i = 1; i < 10; i++) lines.push(`${indent}lol${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
  return `${lines.join("\n")}\n`;
}

describe("a YAML alias bomb", () => {
  it("in group_vars: an error at the file and line of the value that expands, not a ReferenceError", async () => {
    const dir = await tempTree({ "hosts.yml": LOCAL_INVENTORY, "group_vars/all.yml": `ok: 1\n${aliasBomb()}` });
    const err = await loadInventory({ sources: [new YamlInventorySource(join(dir, "hosts.yml"))], siteDirs: [dir] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toMatch(new RegExp(`^${join(dir, "group_vars/all.yml")}:5:11: invalid YAML: aliases expand too far here .*alias bomb`));
  });

  it("in an inventory's host vars", async () => {
    const dir = await tempTree({ "hosts.yml": `all:\n  hosts:\n    web1:\n${aliasBomb("      ")}` });
    const err = await new YamlInventorySource(join(dir, "hosts.yml")).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toMatch(/hosts\.yml:7:17: invalid YAML: aliases expand too far here/);
  });

  it("in -e @file", async () => {
    const dir = await tempTree({ "extra.yml": aliasBomb() });
    const err = await readExtraVars([`@${join(dir, "extra.yml")}`]).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/extra\.yml:4:11: invalid YAML: aliases expand too far here/);
  });

  it("an anchor used a few times is still fine, also with merge keys", () => {
    const vars = parseVarsText("base: &b {user: deploy}\nweb: {<<: *b, port: 80}\ndb: {<<: *b, port: 3306}\nlist: [*b, *b, *b]\n", "v.yml");
    expect(vars.db?.value).toEqual({ user: "deploy", port: 3306 });
    expect(vars.list?.value).toEqual([{ user: "deploy" }, { user: "deploy" }, { user: "deploy" }]);
  });

  it("through the CLI: exit 1, the file named, no stack trace, nothing run", async () => {
    const dir = scratchDir("alias-bomb");
    writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
    writeFileSync(join(dir, "vars.yml"), aliasBomb());
    writeFileSync(join(dir, "site.ts"), siteSource(`await h.file({ path: ${JSON.stringify(join(dir, "ran"))}, state: "touch" });`));
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", "-e", "@vars.yml"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: vars\.yml:4:11: invalid YAML: aliases expand too far here .*\n$/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, "ran"))).toBe(false);
  }, 60_000);
});

describe("a vars file of many keys", () => {
  // A bound on a hostile input, far above what a linear parse needs: the yaml package's own
  // duplicate-key check compared every key with every earlier one (80k keys: over 4 minutes).
  it("200k keys in one mapping parse in well under 20 s, and a duplicate at the end is still found", () => {
    const keys = 200_000;
    const body = Array.from({ length: keys }, (_, i) => `key_${i}: value ${i}\n`).join("");
    const started = Date.now();
    const vars = parseVarsText(body, "big.yml");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(Object.keys(vars)).toHaveLength(keys);
    expect(vars.key_199999).toEqual({ value: "value 199999", provenance: { file: "big.yml", line: keys } });
    const err = thrown(() => parseVarsText(`${body}key_7: again\n`, "big.yml"));
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toBe(`big.yml:${keys + 1}:1: invalid YAML: Map keys must be unique`);
  }, 60_000);

  it("duplicates are found in nested and flow mappings, merge keys and NaN keys are not duplicates (the yaml package's rule)", () => {
    expect(() => parseVarsText("a:\n  b: 1\n  c: 2\n  b: 3\n", "v.yml")).toThrow("v.yml:4:3: invalid YAML: Map keys must be unique");
    expect(() => parseVarsText("a: {x: 1, y: 2, x: 3}\n", "v.yml")).toThrow("v.yml:1:17: invalid YAML: Map keys must be unique");
    // 1 and '1' are different keys (a number and a string).
    expect(Object.keys(parseVarsText("m: {1: a, '1': b}\n", "v.yml"))).toEqual(["m"]);
    expect(parseVarsText("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n", "v.yml").c?.value).toEqual({ x: 1, y: 2 });
    expect(Object.keys(parseVarsText("m: {.nan: 1, .NaN: 2}\n", "v.yml"))).toEqual(["m"]);
    // The earliest problem is the one reported: a duplicate before a syntax error, and after one.
    expect(() => parseVarsText("a: 1\na: 2\nb: [\n", "v.yml")).toThrow("v.yml:2:1: invalid YAML: Map keys must be unique");
    expect(() => parseVarsText("a: 1\n\tb: 2\na: 2\n", "v.yml")).toThrow(/^v\.yml:2:1: invalid YAML: (?!Map keys)/);
  });
});
