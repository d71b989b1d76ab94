import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type IniSpec, editIni, iniText } from "../../../src/modules/ini-edit.js";
import { INI_CASES, type IniCase, NOT_IDEMPOTENT_IN_ANSIBLE } from "./ini-edit.cases.js";
import { VENDORED_COLLECTIONS, runAnsibleModule } from "./ansible-oracle/oracle.js";
import { iniArgs } from "./ansible-oracle/record-ini.js";

// The ini_file editor against community.general.ini_file 6.6.2 itself: its outcomes for every
// case are recorded in ini-edit.expected.json (by ansible-oracle/record-ini.ts, running the real
// module), and the module (vendored in test/fixtures/collections) is run again here: it must still
// agree with the recording.

const Recorded = z.record(z.string(), z.object({ failed: z.boolean(), changed: z.boolean(), msg: z.string(), content: z.string().nullable() }));
const recorded = Recorded.parse(JSON.parse(readFileSync(new URL("./ini-edit.expected.json", import.meta.url), "utf8")));

const spec = (c: IniCase): IniSpec => ({ state: "present", values: [], exclusive: true, no_extra_spaces: false, allow_no_value: false, ...c.spec });

function ours(c: IniCase): { changed: boolean; msg: string; content: string | null } {
  const e = editIni(c.content === null ? undefined : iniText(c.content), spec(c));
  return { changed: e.changed, msg: e.msg, content: e.changed ? e.content : c.content };
}

describe("ini_file's editor (outcomes of community.general 6.6.2's ini_file)", () => {
  it("every case is recorded, and only those", () => {
    expect(Object.keys(recorded).sort()).toEqual(INI_CASES.map((c) => c.name).sort());
  });

  for (const c of INI_CASES) {
    it(c.name, () => {
      const want = recorded[c.name];
      if (want === undefined) throw new Error("not recorded");
      expect(want.failed).toBe(false);
      expect(ours(c)).toEqual({ changed: want.changed, msg: want.msg, content: want.content });
    });
  }

  it("every changed result is stable: the same arguments on the result change nothing (except where ini_file's own is not)", () => {
    for (const c of INI_CASES.filter((x) => recorded[x.name]?.changed && !NOT_IDEMPOTENT_IN_ANSIBLE.includes(x.name))) {
      const once = editIni(c.content === null ? undefined : iniText(c.content), spec(c));
      expect(editIni(once.content, spec(c)).changed, c.name).toBe(false);
    }
  });

  it("a case table that would catch a wrong editor: a wrong value changes the outcome", () => {
    const c = INI_CASES.find((x) => x.name === "changing a value");
    if (!c) throw new Error("case missing");
    expect(ours({ ...c, spec: { ...c.spec, values: ["512M"] } }).content).not.toBe(recorded[c.name]?.content);
  });

  it("the recording still matches community.general's ini_file, run now", () => {
    const live = runAnsibleModule(INI_CASES.map((c) => ({ module: "ansible_collections.community.general.plugins.modules.ini_file", path: VENDORED_COLLECTIONS, content: c.content, args: iniArgs(c) })));
    expect(Object.fromEntries(INI_CASES.map((c, i) => [c.name, live[i]]))).toEqual(recorded);
  }, 120_000);
});
