import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-git";
const BARE = `${DIR}/origin.git`;

// The lab has no internet: the repository is a bare one on web2 itself, cloned by path and by
// file:// URL. git comes from the lab's apt mirror, installed by a first site.
const PREP = playSite("git installed", {}, `    await h.apt({ name: "git" }, { name: "git" });\n`);

const SITE = playSite(
  "git",
  { D: DIR, R: BARE },
  `
    const app = await h.git({ repo: R, dest: D + "/app", version: "main" }, { name: "app" });
    await h.git({ repo: "file://" + R, dest: D + "/release", version: "v1", depth: 1 }, { name: "release" });
    await h.copy({ dest: D + "/app.sha", content: String(app.after) + "\\n" }, { name: "record app" });
`,
);

const FAILING = playSite(
  "failing git",
  { D: DIR, R: BARE },
  `
    await h.git({ repo: R, dest: D + "/app", version: "main" }, { name: "local changes", ignoreErrors: true });
    await h.git({ repo: D + "/nowhere.git", dest: D + "/other" }, { name: "no repo", ignoreErrors: true });
`,
);

const GIT = "git -c user.name=t -c user.email=t@x";

describe.skipIf(skip !== undefined)("git on a real host (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const sha = (ref: string) => sh(`git --git-dir=${BARE} rev-parse ${ref}^{commit}`).then((s) => s.trim());

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "prep.ts": PREP, "failing.ts": FAILING }, () => sh(`rm -rf ${DIR}; mkdir -p ${DIR}`));
    const prep = await site.converge([], { site: "prep.ts" });
    if (prep.code !== 0) throw new Error(`git could not be installed: ${explain(prep)}`);
    await sh(
      [
        "set -e",
        `git init -q --bare -b main ${BARE}`,
        `git clone -q ${BARE} ${DIR}/seed 2>/dev/null`,
        `cd ${DIR}/seed`,
        `echo one > README; git add README; ${GIT} commit -qm one; ${GIT} tag -a v1 -m v1`,
        `echo two > README; ${GIT} commit -qam two`,
        "git push -q origin main v1",
      ].join("\n"),
    );
  }, 600_000);
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("clones (--check first clones nothing), and a second converge changes nothing", async () => {
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["app", "release", "record app"]);
    expect(check.stdout).toContain(`+commit: ${await sha("main")}\n`);
    expect(await sh(`ls ${DIR}`)).toBe("origin.git\nseed\n");

    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["app", "release", "record app"]);
    expect(await sh(`cat ${DIR}/app/README ${DIR}/release/README ${DIR}/app.sha`)).toBe(`two\none\n${await sha("main")}\n`);
    expect(await sh(`cd ${DIR}/release && git rev-list --count HEAD && git config remote.origin.url`)).toBe(`1\nfile://${BARE}\n`);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports a new upstream commit, changing nothing; the next converge follows", async () => {
    await sh(`cd ${DIR}/seed && echo three > README && ${GIT} commit -qam three && git push -q origin main`);
    const before = await sh(`cd ${DIR}/app && git rev-parse HEAD`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["app", "record app"]);
    expect(check.stdout).toContain(`-commit: ${before.trim()}\n+commit: ${await sha("main")}\n`);
    expect(await sh(`cd ${DIR}/app && git rev-parse HEAD`)).toBe(before);

    const fix = await site.converge();
    expect(changedTasks(fix)).toEqual(["app", "record app"]);
    expect(await sh(`cat ${DIR}/app/README`)).toBe("three\n");
    expect(total(await site.converge(), "changed")).toBe(0);
  });

  it("local changes fail without force and are left alone; a missing repository fails clearly", async () => {
    await sh(`echo mine > ${DIR}/app/README`);
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName["local changes"]).toMatchObject({ status: "ignored", msg: `Local modifications exist in the destination: ${DIR}/app (force=no).` });
    expect(byName["no repo"]?.msg).toMatch(new RegExp(`^cannot read the refs of ${DIR}/nowhere\\.git: .*does not appear to be a git repository`));
    expect(await sh(`cat ${DIR}/app/README; ls ${DIR}/other 2>&1 || true`)).toMatch(/^mine\n.*No such file/);
  });
});
