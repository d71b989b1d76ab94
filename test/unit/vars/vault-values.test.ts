import { describe, expect, it } from "vitest";
import { decryptVaultValues } from "../../../src/inventory/vault-values.js";
import { parseVarsText } from "../../../src/inventory/vars-file.js";
import { createTemplateEngine } from "../../../src/template/index.js";
import { scopeVars } from "../../../src/vars/build.js";
import { VarScope } from "../../../src/vars/scope.js";

// An inline !vault value is never templated in ansible-core 2.14 (checked with ansible-playbook:
// `x: !vault` of "{{ y }}-z" prints "{{ y }}-z"), while a value beside it is.

const engine = createTemplateEngine({ searchPaths: [] });
const text = `x: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\ny: why\nlisted:\n  - !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    3334\n  - "{{ y }}"\nz: "{{ x }}"\n`;
const plaintexts: Record<string, string> = { "3132": "{{ y }}-z", "3334": "{{ y }}" };
const decrypt = {
  file: () => Promise.reject(new Error("no whole file here")),
  value: (vaultText: string) => Promise.resolve(plaintexts[vaultText.trim().split("\n").at(-1) ?? ""] ?? "?"),
};

describe("inline !vault values are data, not templates", () => {
  it("keeps the plaintext as written, in lists too; a value reading one gets it as written", async () => {
    const vars = await decryptVaultValues(parseVarsText(text, "vars.yml"), decrypt);
    expect(vars["x"]?.value).toBe("{{ y }}-z");
    const scope = new VarScope(new Map(scopeVars(vars)), { templater: engine });
    expect(scope.plainValue("x")).toBe("{{ y }}-z");
    expect(scope.plainValue("listed")).toEqual(["{{ y }}", "why"]);
    expect(scope.plainValue("z")).toBe("{{ y }}-z");
  });
});
