import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "../modules/helpers.js";
import { RootShells, type TestSite, explain, total } from "./harness.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-hostile";

/** Arguments that once reached the wrong file or a command as an option, over real SSH. */
describe.skipIf(skip !== undefined)("hostile arguments reach exactly the file and word they name (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  const converge = (tasks: string) => {
    site.write("site.ts", playSite("hostile", { DIR }, tasks));
    return site.converge(["--no-typecheck"]);
  };
  const leftovers = () => sh(`find ${DIR} -name '.dcv-*'`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, {}, () => sh(`rm -rf ${DIR} && mkdir -p ${DIR}/conf.d && printf 'keep\\n' > ${DIR}/app && ln -s ${DIR}/conf.d ${DIR}/todir`));
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("a newline in a lineinfile/blockinfile path names that file, not the one before the newline", async () => {
    const tasks = `
    await h.lineinfile({ path: DIR + "/app\\nnew.conf", line: "a=1", create: true });
    await h.blockinfile({ path: DIR + "/app\\nblock.conf", block: "b=2", create: true });`;
    const r = await converge(tasks);
    expect(r.code, explain(r)).toBe(0);
    expect(await sh(`cat ${DIR}/app`)).toBe("keep\n");
    expect(await sh(`cat "$(printf '${DIR}/app\\nnew.conf')"`)).toBe("a=1\n");
    expect(await sh(`cat "$(printf '${DIR}/app\\nblock.conf')"`)).toContain("b=2\n");
    const again = await converge(tasks);
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("copy and template to a symlink that points at a directory: a clear failure, nothing written, every run", async () => {
    site.write("templates/t.njk", "x\n");
    for (const task of [`await h.copy({ content: "x\\n", dest: DIR + "/todir" });`, `await h.template({ src: "t.njk", dest: DIR + "/todir" });`]) {
      for (let run = 0; run < 2; run++) {
        const r = await converge(task);
        expect(r.code, explain(r)).toBe(2);
        expect(r.stdout).toMatch(/todir is a symlink to a directory/);
        expect(await sh(`ls -A ${DIR}/conf.d`)).toBe("");
        expect(await leftovers()).toBe("");
      }
    }
  });

  it("an option-like link target is a target: ln gets it after --", async () => {
    const r = await converge(`await h.file({ path: DIR + "/dash", state: "link", src: "-x.conf", force: true });`);
    expect(r.code, explain(r)).toBe(0);
    expect(await sh(`readlink ${DIR}/dash`)).toBe("-x.conf\n");
  });

  it("an owner that is an option (--reference=FILE) fails its task's argument check; the file is not touched", async () => {
    await sh(`touch ${DIR}/owned && chown nobody ${DIR}/owned`);
    const r = await converge(`await h.file({ path: DIR + "/owned", owner: "--reference=/etc/shadow" });`);
    // Arguments are computed by the site's code as it runs: checked when the task is called.
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toMatch(/invalid arguments: owner: .*not starting with '-'/);
    expect(await sh(`stat -c %U ${DIR}/owned`)).toBe("nobody\n");
  });

  it("validate's %s works inside the command's own quotes, and a failed validation keeps the old file", async () => {
    const ok = await converge(`await h.copy({ content: "non-empty\\n", dest: DIR + "/v.conf", validate: "sh -c 'test -s %s'" });`);
    expect(ok.code, explain(ok)).toBe(0);
    expect(await sh(`cat ${DIR}/v.conf`)).toBe("non-empty\n");
    const bad = await converge(`await h.copy({ content: "", dest: DIR + "/v.conf", validate: "sh -c 'test -s %s'" });`);
    expect(bad.code, explain(bad)).toBe(2);
    expect(bad.stdout).toMatch(/validation failed/);
    expect(await sh(`cat ${DIR}/v.conf`)).toBe("non-empty\n");
    expect(await leftovers()).toBe("");
  });
});
