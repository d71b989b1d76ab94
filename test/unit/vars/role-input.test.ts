import { z } from "zod";
import { describe, expect, it } from "vitest";
import { createTemplateEngine } from "../../../src/template/index.js";
import { roleInput } from "../../../src/vars/role-input.js";
import { type ScopeVar, VarScope } from "../../../src/vars/scope.js";

const engine = createTemplateEngine({ searchPaths: [] });

function scopeOf(vars: Record<string, unknown>): VarScope {
  const entries = Object.entries(vars).map(([k, raw], i): [string, ScopeVar] => [k, { raw, provenance: { file: "vars.yml", line: i + 1 } }]);
  return new VarScope(new Map(entries), { templater: engine });
}

describe("a typed role's variables meet omit as a task's arguments do (remove_omit)", () => {
  const schema = z.object({
    port: z.number().default(80),
    opts: z.object({ user: z.string(), port: z.number().optional() }),
    rules: z.array(z.unknown()),
  });

  it("leaves out a variable that is omit, and mapping entries that are, in lists of mappings too; keeps list items that are", () => {
    const scope = scopeOf({
      port: "{{ omit }}",
      opts: { user: "admin", port: "{{ not_set | default(omit) }}" },
      rules: ["{{ omit }}", { allow: "{{ omit }}", from: "10.0.0.0/8" }, [{ k: "{{ omit }}" }]],
    });
    const r = roleInput(schema, scope);
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.input).sort()).toEqual(["opts", "rules"]);
    expect(r.input["opts"]).toEqual({ user: "admin" });
    const rules = r.input["rules"] as unknown[];
    expect(rules[0]).toMatch(/^__omit_place_holder__[0-9a-f]{40}$/);
    expect(rules[1]).toEqual({ from: "10.0.0.0/8" });
    // A list inside a list is not walked: Ansible's remove_omit leaves it as is.
    expect((rules[2] as Record<string, unknown>[])[0]?.["k"]).toBe(rules[0]);
    expect(schema.parse(r.input).port).toBe(80);
  });
});
