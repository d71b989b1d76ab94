import { describe, expect, it } from "vitest";
import { play, role, site } from "../../../src/index.js";
import { defineModule, z } from "../../../src/module.js";
import { SiteError } from "../../../src/site/errors.js";
import { thrown } from "../inventory/helpers.js";
import { keyValue } from "./key-value.js";

// What play(), role() and site() refuse of a site's own modules, before anything runs: a name h
// cannot offer, a built-in's or h's own name, two modules of one name.

/** A module that does nothing, named `name`. */
function named<const N extends string>(name: N) {
  return defineModule({
    name,
    args: z.object({}),
    probe: async () => undefined,
    diff: () => undefined,
    apply: async () => undefined,
    unchanged: () => undefined,
  });
}

const tasks = async () => undefined;

function refusal(fn: () => unknown): string {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(SiteError);
  return (err as Error).message;
}

describe("a play's or role's modules", () => {
  it("refuses a built-in module's name, h's own, and one no method can have", () => {
    expect(refusal(() => role({ name: "r", modules: [named("file")], tasks }))).toBe('role r: modules[0]: "file" is a built-in module\'s name (h.file): give yours another');
    expect(refusal(() => play({ name: "p", hosts: "all", modules: [keyValue, named("debug")] }))).toBe('play "p": modules[1]: "debug" is the name of h\'s own h.debug: give yours another');
    expect(refusal(() => role({ name: "r", modules: [named("ufw-rule")], tasks }))).toBe('role r: modules[0]: "ufw-rule" is not a name a method of h can have (letters, digits, _ and $, not first a digit)');
    expect(refusal(() => role({ name: "r", modules: [named("constructor")], tasks }))).toBe('role r: modules[0]: "constructor" is the name of a property every object has: give yours another');
  });

  it("refuses what is not a module, naming its place", () => {
    const notAModule = { name: "x", args: z.object({}) } as unknown as typeof keyValue;
    expect(refusal(() => role({ name: "r", modules: [keyValue, notAModule], tasks }))).toMatch(/^role r: modules\[1\]: not a module: make it with defineModule\(\) from "do-converge\/module"/);
    expect(refusal(() => play({ name: "p", hosts: "all", modules: [notAModule] }))).toBe('play "p": modules.0: a module made with defineModule() from "do-converge/module"');
  });

  it("refuses two different modules of one name, in one list, in one play, in one site", () => {
    const other = { ...keyValue };
    expect(refusal(() => role({ name: "r", modules: [keyValue, other], tasks }))).toBe('role r: modules: two different modules are named "key_value": one name, one module');
    const a = role({ name: "a", modules: [keyValue], tasks });
    const b = role({ name: "b", modules: [other], tasks });
    expect(refusal(() => play({ name: "p", hosts: "all", roles: [a, b] }))).toBe('two different modules are named "key_value": role a\'s and role b\'s (one name, one module in a site)');
    const p1 = play({ name: "p1", hosts: "all", roles: [a] });
    const p2 = play({ name: "p2", hosts: "all", modules: [other] });
    expect(refusal(() => site({ plays: [p1, p2] }))).toBe('two different modules are named "key_value": role a\'s and play "p2"\'s (one name, one module in a site)');
  });

  it("takes one module listed by many plays and roles, and twice in one list", () => {
    const a = role({ name: "a", modules: [keyValue, keyValue], tasks });
    const b = role({ name: "b", modules: [keyValue], dependencies: [a], tasks });
    const s = site({ plays: [play({ name: "p1", hosts: "all", modules: [keyValue], roles: [b] }), play({ name: "p2", hosts: "all", roles: [a] })] });
    expect(s.plays.map((p) => [p.modules.map((m) => m.name), p.roles.map((r) => [r.name, r.modules.map((m) => m.name)])])).toEqual([
      [["key_value"], [["a", ["key_value"]], ["b", ["key_value"]]]],
      [[], [["a", ["key_value"]]]],
    ]);
  });
});
