import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// locale_gen on web3 (this family's host: nothing else runs there), with the locales package the
// test installs and removes again.

const skip = labSkipReason();
const HOST = "web3";

const PREREQ = playSite("locales package", {}, `    await h.apt({ name: "locales" }, { name: "locales installed" });\n`);

const SITE = playSite(
  "locales",
  {},
  `
    await h.locale_gen({ name: ["de_CH.UTF-8", "en_GB.UTF-8"] }, { name: "generated" });
    await h.locale_gen({ name: "nl_NL.UTF-8", state: "absent" }, { name: "removed" });
    await h.locale_gen({ name: "C.UTF-8" }, { name: "built in" });
`,
);

const FAILING = playSite(
  "failing locales",
  {},
  `
    await h.locale_gen({ name: ["en_GB.UTF-8", "xx_YY.UTF-8"] }, { name: "unknown", ignoreErrors: true });
    await h.locale_gen({ name: "C.UTF-8", state: "absent" }, { name: "built in", ignoreErrors: true });
`,
);

const enabled = (sh: (c: string) => Promise<string>) => sh("grep -E '^(de_CH|en_GB|nl_NL)' /etc/locale.gen || true");
const generated = (sh: (c: string) => Promise<string>) => sh("locale -a | grep -E '^(de_CH|en_GB|nl_NL)' || true");

describe.skipIf(skip !== undefined)("locale_gen on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING, "prereq.ts": PREREQ });
    const pre = await site.converge([], { site: "prereq.ts" });
    if (pre.code !== 0) throw new Error(`installing locales failed:\n${explain(pre)}`);
    // nl_NL generated beforehand, for the task that removes it; C.UTF-8 enabled, as the package has it.
    await sh("sed -i -E 's/^# ?((nl_NL|C)\\.UTF-8 UTF-8)/\\1/' /etc/locale.gen && locale-gen >/dev/null");
  }, 300_000);
  afterAll(() => closeSite(root, site, () => sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y -q locales >/dev/null; rm -f /usr/lib/locale/locale-archive /etc/locale.gen")));

  it("generates and removes locales, then a second converge changes nothing", async () => {
    expect(await generated(sh)).toBe("nl_NL.utf8\n");
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first), explain(first)).toEqual(["generated", "removed"]);
    expect(await enabled(sh)).toBe("de_CH.UTF-8 UTF-8\nen_GB.UTF-8 UTF-8\n");
    expect(await generated(sh)).toBe("de_CH.utf8\nen_GB.utf8\n");
    expect(await sh("grep -c '^# nl_NL.UTF-8 UTF-8$' /etc/locale.gen")).toBe("1\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports a locale.gen line commented out by hand and changes nothing; the next converge repairs it", async () => {
    await sh("sed -i 's/^en_GB.UTF-8 UTF-8/# en_GB.UTF-8 UTF-8/' /etc/locale.gen");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["generated"]);
    expect(check.stdout).toContain("-# en_GB.UTF-8 UTF-8\n+en_GB.UTF-8 UTF-8\n");
    expect(await enabled(sh)).toBe("de_CH.UTF-8 UTF-8\n");

    // A locale removed behind the file's back (by locale-gen after the edit) is found too.
    await sh("locale-gen >/dev/null");
    expect(await generated(sh)).toBe("de_CH.utf8\n");
    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["generated"]);
    expect(await enabled(sh)).toBe("de_CH.UTF-8 UTF-8\nen_GB.UTF-8 UTF-8\n");
    expect(await generated(sh)).toBe("de_CH.utf8\nen_GB.utf8\n");
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("an unknown locale and a built-in one to remove are clear errors that change nothing", async () => {
    const before = await sh("cat /etc/locale.gen; locale -a");
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName.unknown?.msg).toBe("The following locales you've entered are not available on your system: xx_YY.UTF-8");
    expect(byName["built in"]?.msg).toBe("C.UTF-8: built into the C library, cannot be removed");
    expect(await sh("cat /etc/locale.gen; locale -a")).toBe(before);
  });
});
