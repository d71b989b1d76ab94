import type { TestTable } from "../filters/registry.js";
import { ansibleTests } from "./ansible.js";
import { moreAnsibleTests } from "./ansible-more.js";
import { jinjaTests } from "./jinja.js";

function withBuiltinNames(table: TestTable): TestTable {
  const out: Record<string, TestTable[string]> = {};
  for (const [name, def] of Object.entries(table)) {
    out[name] = def;
    if (/^[a-z_]+$/.test(name)) out[`ansible.builtin.${name}`] = def;
  }
  return out;
}

/** Every test a template may use, also under its `ansible.builtin.` name. */
export const allTests: TestTable = withBuiltinNames({ ...jinjaTests, ...ansibleTests, ...moreAnsibleTests });
