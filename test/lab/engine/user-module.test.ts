import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTRY } from "../../cli-entry.js";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { type Converge, RootShells, TestSite, changedTasks, explain, total } from "./harness.js";

// A site's own module on a real host: the guide's example, examples/modules/ufw-rule.ts, listed by
// a role that installs ufw with h.apt and then sets its rules with h.ufw_rule (ufw stays disabled:
// its rules are kept all the same, and the host's SSH is never at stake). --check on a fresh host,
// a first run that changes, a second that changes nothing, --check --diff of another rule set,
// and state absent. ufw is purged and /etc/ufw removed afterwards.
const skip = labSkipReason();

const HOST = "spare1";
const repo = new URL("../../..", import.meta.url).pathname;

interface Rule {
  port: number;
  proto?: "tcp" | "udp";
  from?: string;
  rule?: "allow" | "deny";
  state?: "absent";
}

const BASE: Rule[] = [
  { port: 22, proto: "tcp" },
  { port: 3306, proto: "tcp", from: "10.77.0.0/24" },
  { port: 53, proto: "udp", from: "10.78.0.5", rule: "deny" },
];
const LISTED = ["ufw allow 22/tcp", "ufw allow from 10.77.0.0/24 to any port 3306 proto tcp", "ufw deny from 10.78.0.5 to any port 53 proto udp"];

/** A site whose firewall role installs ufw and sets `rules`. */
function siteSource(rules: readonly Rule[]): string {
  return `import { play, role, site } from "$DSL";
import { ufwRule } from "./ufw-rule.ts";

const firewall = role({
  name: "firewall",
  modules: [ufwRule],
  tasks: async (h) => {
    await h.apt({ name: "ufw", state: "present" });
    for (const rule of ${JSON.stringify(rules)} as const) await h.ufw_rule(rule);
  },
});

export default site({ inventory: ["inventory.yml"], plays: [play({ name: "firewall", hosts: "all", become: true, gatherFacts: false, roles: [firewall] })] });
`;
}

const fastPathOf = (r: Converge) => (r.report as { fast_path?: { answered: number; live: number } } | undefined)?.fast_path;

describe.skipIf(skip !== undefined)("a site's own module (ufw_rule) on a lab host", { timeout: 600_000 }, () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let site: TestSite;
  const added = async () => (await root.run(HOST, "ufw show added")).split("\n").filter((l) => l.startsWith("ufw "));
  const clean = () => root.run(HOST, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null 2>&1; rm -rf /etc/ufw; true");

  beforeAll(async () => {
    await lab.up();
    await clean();
    // The example as a site beside it would have it, its contract imported from the build the CLI runs.
    const example = readFileSync(join(repo, "examples/modules/ufw-rule.ts"), "utf8").replace('from "do-converge/module"', `from ${JSON.stringify(ENTRY.module)}`);
    site = new TestSite(
      lab,
      {
        "ufw-rule.ts": example,
        "site.ts": siteSource(BASE),
        "changed.ts": siteSource([BASE[0] as Rule, { port: 3306, proto: "tcp", from: "10.77.0.0/16" }, BASE[2] as Rule]),
        "absent.ts": siteSource([{ port: 3306, proto: "tcp", from: "10.77.0.0/24", state: "absent" }]),
      },
      [HOST],
    );
  });
  afterAll(async () => {
    await clean().catch(() => "");
    root.close();
    site?.remove();
  });

  it("--check on a fresh host says what would be added, and installs nothing", async () => {
    const r = await site.converge(["--check", "--diff"]);
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["apt ufw", "ufw_rule", "ufw_rule", "ufw_rule"]);
    for (const line of LISTED) expect(r.stdout).toContain(`+${line}\n`);
    expect(await root.run(HOST, "command -v ufw || echo none")).toBe("none\n");
  });

  it("converges: the first run adds the rules, the second changes nothing and reads them from the snapshot", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["apt ufw", "ufw_rule", "ufw_rule", "ufw_rule"]);
    expect(first.report?.tasks.filter((t) => t.module === "ufw_rule").map((t) => t.status)).toEqual(["changed", "changed", "changed"]);
    expect(await added()).toEqual(LISTED);
    expect(await root.run(HOST, "ufw status")).toBe("Status: inactive\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed")).toBe(0);
    expect(fastPathOf(second)?.live).toBe(0);
    expect(fastPathOf(second)?.answered).toBeGreaterThanOrEqual(4);
  });

  it("--check --diff of another rule set shows the rule lines that would change, and changes nothing", async () => {
    const r = await site.converge(["--check", "--diff"], { site: "changed.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(total(r, "changed")).toBe(1);
    expect(r.stdout).toContain("changed: [spare1] ufw_rule (add ufw allow from 10.77.0.0/16 to any port 3306 proto tcp)\n--- before: ufw show added\n");
    expect(r.stdout).toMatch(/^\+ufw allow from 10\.77\.0\.0\/16 to any port 3306 proto tcp$/m);
    expect(await added()).toEqual(LISTED);
  });

  it("state absent deletes the rule, once", async () => {
    const r = await site.converge(["--diff"], { site: "absent.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["ufw_rule"]);
    expect(r.stdout).toMatch(/^-ufw allow from 10\.77\.0\.0\/24 to any port 3306 proto tcp$/m);
    expect(await added()).toEqual([LISTED[0], LISTED[2]]);
    const again = await site.converge([], { site: "absent.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
