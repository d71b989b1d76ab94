import { describe, expect, it } from "vitest";
import { loadModule, moduleNames } from "../../../src/modules/loaders.js";
import { modules } from "../../../src/modules/registry.js";

describe("the modules' loaders (a run imports a module when a task first uses it)", () => {
  it("name every registered module and nothing else", () => {
    expect([...moduleNames].sort()).toEqual(Object.keys(modules).sort());
  });

  it("give each name the registry's module of that name", async () => {
    for (const name of moduleNames) expect(await loadModule(name), name).toBe(modules[name]);
  });

  it("import a module once, however many tasks ask for it at once", () => {
    expect(loadModule("copy")).toBe(loadModule("copy"));
  });
});
