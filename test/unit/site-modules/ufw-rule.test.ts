import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parseAdded, ruleWords, sourceProblem, ufwRule } from "../../../examples/modules/ufw-rule.js";
import { siteCompilerOptions } from "../../../src/site/typecheck.js";
import { ENTRY } from "../../cli-entry.js";
import { DSL, scratchDir } from "../safety/cli-helpers.js";

// The guide's example module (examples/modules/ufw-rule.ts): its arguments, how it writes a rule
// as ufw lists it, and its pure diff. test/lab/engine/user-module.test.ts converges it on a host.

const repo = new URL("../../../", import.meta.url).pathname;
const args = (a: Record<string, unknown>) => ufwRule.args.parse(a);
// diff is pure: it reads its arguments and the probed state, never the context.
const ctx = {} as Parameters<typeof ufwRule.diff>[2];

describe("the ufw_rule example", () => {
  it("writes a rule as `ufw show added` lists it", () => {
    expect(ruleWords(args({ port: 22, proto: "tcp" }))).toEqual(["allow", "22/tcp"]);
    expect(ruleWords(args({ port: 8080 }))).toEqual(["allow", "8080"]);
    expect(ruleWords(args({ port: 3306, proto: "tcp", from: "10.77.0.0/24" })).join(" ")).toBe("allow from 10.77.0.0/24 to any port 3306 proto tcp");
    expect(ruleWords(args({ port: 53, proto: "udp", from: "10.78.0.5", rule: "deny" })).join(" ")).toBe("deny from 10.78.0.5 to any port 53 proto udp");
    expect(parseAdded("Added user rules (see 'ufw status' for running firewall):\n(None)\n")).toEqual([]);
    expect(parseAdded("Added user rules (see 'ufw status' for running firewall):\nufw allow 22/tcp\nufw limit 2222/tcp\n")).toEqual(["ufw allow 22/tcp", "ufw limit 2222/tcp"]);
  });

  it("takes a source ufw lists as written, and says what to write instead", () => {
    expect(sourceProblem("any")).toBeUndefined();
    expect(sourceProblem("10.0.0.0/8")).toBeUndefined();
    expect(sourceProblem("192.0.2.7")).toBeUndefined();
    expect(sourceProblem("10.1.2.3/8")).toBe("host bits set: ufw lists this network as 10.0.0.0/8; write that");
    expect(sourceProblem("10.0.0.1/32")).toMatch(/^a prefix length from 1 to 31/);
    expect(sourceProblem("0.0.0.0/0")).toMatch(/^a prefix length from 1 to 31/);
    expect(sourceProblem("example.com")).toBe("an IPv4 address or network (10.0.0.0/8), or any");
    const bad = ufwRule.args.safeParse({ port: 22, from: "10.1.2.3/8" });
    expect(bad.success ? [] : bad.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["from: host bits set: ufw lists this network as 10.0.0.0/8; write that"]);
    expect(ufwRule.args.safeParse({ port: 0 }).success).toBe(false);
  });

  it("diffs the rule list: a line added or deleted, nothing when it already holds", () => {
    const rules = ["ufw allow 22/tcp"];
    const add = ufwRule.diff(args({ port: 80, proto: "tcp" }), { installed: true, rules }, ctx);
    expect(add).toEqual({ summary: "add ufw allow 80/tcp", diffs: [{ label: "ufw show added", before: "ufw allow 22/tcp\n", after: "ufw allow 22/tcp\nufw allow 80/tcp\n" }] });
    expect(ufwRule.diff(args({ port: 22, proto: "tcp" }), { installed: true, rules }, ctx)).toBeUndefined();
    expect(ufwRule.diff(args({ port: 22, proto: "tcp", state: "absent" }), { installed: true, rules }, ctx)).toEqual({
      summary: "delete ufw allow 22/tcp",
      diffs: [{ label: "ufw show added", before: "ufw allow 22/tcp\n", after: "" }],
    });
    expect(ufwRule.diff(args({ port: 80, state: "absent" }), { installed: true, rules }, ctx)).toBeUndefined();
    // ufw not installed yet (--check before the apt task that installs it): the rule would be added.
    expect(ufwRule.diff(args({ port: 80 }), { installed: false, rules: [] }, ctx)?.summary).toBe("add ufw allow 80");
    expect(ufwRule.diff(args({ port: 80, state: "absent" }), { installed: false, rules: [] }, ctx)).toBeUndefined();
  });

  it("type-checks as a site's module: its doc's example, and a wrong argument refused", () => {
    const dir = scratchDir("ufw-rule");
    // The example as a site beside it would have it, importing the contract from the build DSL is of.
    writeFileSync(join(dir, "ufw-rule.ts"), readFileSync(join(repo, "examples/modules/ufw-rule.ts"), "utf8").replace('from "do-converge/module"', `from ${JSON.stringify(ENTRY.module)}`));
    const site = join(dir, "site.ts");
    writeFileSync(
      site,
      `import { play, role, site } from ${JSON.stringify(DSL)};
import { ufwRule } from "./ufw-rule.ts";
const firewall = role({ name: "firewall", modules: [ufwRule], tasks: async (h) => {
  ${ufwRule.doc?.example}
  await h.ufw_rule({ port: "22" });
} });
export default site({ plays: [play({ name: "p", hosts: "all", roles: [firewall] })] });
`,
    );
    const program = ts.createProgram([site], { ...siteCompilerOptions(ts), types: ["node"], typeRoots: [join(repo, "node_modules/@types")] });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => `${d.file ? d.file.fileName.slice(dir.length + 1) : "?"}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    expect(problems).toEqual(["site.ts:5: Type 'string' is not assignable to type 'number'."]);
  });
});
