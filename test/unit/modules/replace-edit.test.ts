import { beforeAll, describe, expect, it } from "vitest";
import { ModuleError } from "../../../src/modules/contract.js";
import { editReplace } from "../../../src/modules/replace-edit.js";
import { type OracleOutcome, runAnsibleModule } from "./ansible-oracle/oracle.js";
import { REPLACE_CASES } from "./replace-edit.cases.js";

// Differential test of the replace editor against ansible-core's own replace module (2.14, from
// Debian's ansible-core package, which `lab prereqs --ansible` installs): every case is run
// through the real module on a scratch file, once, in one python process.

let ansible: OracleOutcome[] = [];

beforeAll(() => {
  ansible = runAnsibleModule(
    REPLACE_CASES.map((c) => ({
      module: "ansible.modules.replace",
      content: c.content,
      args: { regexp: c.spec.regexp, replace: c.spec.replace, ...(c.spec.after !== undefined ? { after: c.spec.after } : {}), ...(c.spec.before !== undefined ? { before: c.spec.before } : {}) },
    })),
  );
}, 120_000);

describe("replace's editor, differentially against ansible-core's replace", () => {
  REPLACE_CASES.forEach((c, i) => {
    it(c.name, () => {
      const theirs = ansible[i];
      if (theirs === undefined) throw new Error("no answer from ansible-core");
      expect(theirs.failed, theirs.msg).toBe(false);
      const e = editReplace(c.content, c.spec);
      expect({ changed: e.changed, msg: e.msg, content: e.changed ? e.content : c.content }).toEqual({ changed: theirs.changed, msg: theirs.msg, content: theirs.content });
    });
  });

  it("the cases change files and leave some alone", () => {
    expect(ansible.filter((o) => o.changed).length).toBeGreaterThan(15);
    expect(ansible.filter((o) => !o.changed).length).toBeGreaterThan(3);
  });

  it("fails on a regexp or replacement Python rejects, naming the argument", () => {
    expect(() => editReplace("a\n", { regexp: "(?<k>a)", replace: "x" })).toThrow(ModuleError);
    expect(() => editReplace("a\n", { regexp: "(?<k>a)", replace: "x" })).toThrow('invalid regexp "(?<k>a)": unknown extension ?<k');
    expect(() => editReplace("a\n", { regexp: "(a)", replace: "\\2" })).toThrow('invalid replace "\\\\2": invalid group reference 2');
    expect(() => editReplace("a\n", { regexp: "a", replace: "x", after: "(" })).toThrow('invalid after "(": the pattern "((?P<subsection>.*)": missing ), unterminated subpattern');
  });
});
