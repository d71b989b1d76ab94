import { writeFileSync } from "node:fs";
import { INI_CASES, type IniCase } from "../ini-edit.cases.js";
import { VENDORED_COLLECTIONS, hasCommunityGeneral, runAnsibleModule } from "./oracle.js";

// Records what community.general.ini_file makes of each case into ../ini-edit.expected.json.
// Usage: npx tsx test/unit/modules/ansible-oracle/record-ini.ts [COLLECTIONS_ROOT]
// COLLECTIONS_ROOT holds ansible_collections/ (default: the copy vendored in the test fixtures,
// test/fixtures/collections/VENDORED.md).

/** ini_file's arguments for a case (its path is the oracle's). */
export function iniArgs(c: IniCase): Record<string, unknown> {
  const s = c.spec;
  return {
    state: s.state ?? "present",
    ...(s.section !== undefined ? { section: s.section } : {}),
    ...(s.option !== undefined ? { option: s.option } : {}),
    ...(s.values !== undefined && s.values.length > 0 ? { values: s.values } : {}),
    exclusive: s.exclusive ?? true,
    no_extra_spaces: s.no_extra_spaces ?? false,
    allow_no_value: s.allow_no_value ?? false,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? VENDORED_COLLECTIONS;
  if (!hasCommunityGeneral(root)) throw new Error(`no community.general under ${root}`);
  const out = runAnsibleModule(INI_CASES.map((c) => ({ module: "ansible_collections.community.general.plugins.modules.ini_file", path: root, content: c.content, args: iniArgs(c) })));
  const recorded = Object.fromEntries(INI_CASES.map((c, i) => [c.name, out[i]]));
  writeFileSync(new URL("../ini-edit.expected.json", import.meta.url), `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`recorded ${INI_CASES.length} cases`);
}
