import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, everything, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web1";
// Questions of a package that does not exist: debconf-set-selections creates them, PURGE removes them.
const PKG = "dcvtest";
const SECRET = "S3cret-never-printed";

const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "debconf",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.debconf({ name: "${PKG}", question: "${PKG}/greeting", vtype: "string", value: "hello world" }, { name: "greeting" });
        await h.debconf({ name: "${PKG}", question: "${PKG}/enabled", vtype: "boolean", value: true }, { name: "enabled" });
        await h.debconf({ name: "${PKG}", question: "${PKG}/langs", vtype: "multiselect", value: ["fr", "en"] }, { name: "langs" });
        await h.debconf({ name: "${PKG}", question: "${PKG}/later", vtype: "select", value: "maybe", unseen: true }, { name: "unseen" });
        await h.debconf({ name: "${PKG}", question: "${PKG}/secret", vtype: "password", value: "${SECRET}" }, { name: "secret" });
        // A real question, already answered so on a minimal Debian: nothing to change.
        await h.debconf({ name: "tzdata", question: "tzdata/Areas", vtype: "select", value: "Etc" }, { name: "tzdata" });
        const all = await h.debconf({ name: "${PKG}" }, { name: "read" });
        if (!h.check && all.current["${PKG}/greeting"] !== "hello world") await h.fail("debconf-show gave " + JSON.stringify(all.current));
        if (!h.check && all.current["${PKG}/secret"] !== "(password omitted)") await h.fail("the password was shown");
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("debconf on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const ask = (lines: string[]) => sh(`printf '${lines.join("\\n")}\\n' | DEBIAN_FRONTEND=noninteractive debconf-communicate ${PKG}`);
  const purge = () => ask(["PURGE"]);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE }, purge);
  });
  afterAll(() => closeSite(root, site, purge));

  it("sets answers, then a second converge changes nothing; passwords never show", async () => {
    const first = await site.converge(["--diff", "-v"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["greeting", "enabled", "langs", "unseen", "secret"]);
    expect(await ask([`GET ${PKG}/greeting`, `GET ${PKG}/enabled`, `GET ${PKG}/langs`, `GET ${PKG}/secret`, `FGET ${PKG}/later seen`, `FGET ${PKG}/greeting seen`])).toBe(
      `0 hello world\n0 true\n0 fr, en\n0 ${SECRET}\n0 false\n0 true\n`,
    );
    expect(first.stdout).toContain(`+${PKG}/greeting (string): hello world`);
    expect(first.stdout).toContain(`+${PKG}/secret (password): (password omitted), changed`);
    expect(everything(site, first)).not.toContain(SECRET);

    const second = await site.converge(["-vvv"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
    // -vvv logs every command sent: the password is compared on the host, through stdin only.
    expect(everything(site, second)).not.toContain(SECRET);
  });

  it("--check --diff reports answers changed by hand and changes nothing; a converge repairs them", async () => {
    await sh(`printf '%s\\n' '${PKG} ${PKG}/greeting string bye' '${PKG} ${PKG}/secret password other-secret' '${PKG} ${PKG}/langs multiselect en, fr' | debconf-set-selections`);
    const check = await site.converge(["--check", "--diff", "-vvv"]);
    expect(check.code, explain(check)).toBe(0);
    // The multiselect list compares as a set: "en, fr" is the same answer.
    expect(changedTasks(check)).toEqual(["greeting", "secret"]);
    expect(check.stdout).toContain(`-${PKG}/greeting (string): bye\n+${PKG}/greeting (string): hello world\n`);
    expect(everything(site, check)).not.toContain(SECRET);
    expect(everything(site, check)).not.toContain("other-secret");
    expect(await ask([`GET ${PKG}/greeting`, `GET ${PKG}/secret`])).toBe("0 bye\n0 other-secret\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["greeting", "secret"]);
    expect(await ask([`GET ${PKG}/greeting`, `GET ${PKG}/secret`])).toBe(`0 hello world\n0 ${SECRET}\n`);
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
