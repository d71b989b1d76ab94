import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-find";

// What find returned is written to files under out/, so the host's state shows the results, and
// drift of the searched tree shows as a change of those files.
const SITE = playSite(
  "find",
  { D: DIR },
  `
    const confs = await h.find({ paths: D + "/tree", patterns: "*.conf", recurse: true, excludes: "skip*" }, { name: "confs" });
    await h.copy({ dest: D + "/out/confs.txt", content: confs.files.map((f) => f.path + " " + f.mode + " " + f.pw_name + ":" + f.gr_name + " " + f.size).join("\\n") + "\\n" }, { name: "record confs" });
    const listening = await h.find({ paths: [D + "/tree", D + "/missing"], contains: "^listen", recurse: true, hidden: true }, { name: "listening" });
    await h.copy({ dest: D + "/out/listening.txt", content: [...listening.files.map((f) => f.path), "matched " + listening.matched, "examined " + listening.examined, listening.msg, ...Object.keys(listening.skipped_paths)].join("\\n") + "\\n" }, { name: "record listening" });
    const dirs = await h.find({ paths: D + "/tree", file_type: "directory", recurse: true, depth: 1 }, { name: "dirs" });
    await h.copy({ dest: D + "/out/dirs.txt", content: dirs.files.map((f) => f.path + " " + f.isdir).join("\\n") + "\\n" }, { name: "record dirs" });
`,
);

const FAILING = playSite("failing find", { D: DIR }, `    await h.find({ paths: D + "/tree", contains: "(unclosed" }, { name: "bad regex" });\n`);

describe.skipIf(skip !== undefined)("find on a real host (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING }, () =>
      sh(
        [
          `rm -rf ${DIR}; mkdir -p ${DIR}/tree/sub/deep ${DIR}/tree/.hidden ${DIR}/out`,
          `printf 'listen 80\\n' > ${DIR}/tree/a.conf; chmod 0640 ${DIR}/tree/a.conf; chown www-data:adm ${DIR}/tree/a.conf`,
          `printf '# listen 81\\n' > ${DIR}/tree/sub/b.conf`,
          `printf 'x\\nlisten 82\\n' > ${DIR}/tree/sub/deep/c.conf`,
          `printf 'listen 83\\n' > ${DIR}/tree/.hidden/d.conf`,
          `printf 'listen 84\\n' > ${DIR}/tree/skip-me.conf`,
        ].join("; "),
      ),
    );
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  const CONFS = `${DIR}/tree/a.conf 0640 www-data:adm 10\n${DIR}/tree/sub/b.conf 0644 root:root 12\n${DIR}/tree/sub/deep/c.conf 0644 root:root 12\n${DIR}/tree/.hidden/d.conf 0644 root:root 10\n`;

  it("finds, changes nothing on the host itself, and a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["record confs", "record listening", "record dirs"]);
    const byName = Object.fromEntries((first.report?.tasks ?? []).map((t) => [t.task, t.status]));
    expect([byName.confs, byName.listening, byName.dirs]).toEqual(["ok", "ok", "ok"]);
    // The hidden directory is searched (its name alone is hidden); excludes drop skip-me.conf.
    const confs = await sh(`cat ${DIR}/out/confs.txt`);
    expect(confs.split("\n").sort()).toEqual(CONFS.split("\n").sort());
    const listening = (await sh(`cat ${DIR}/out/listening.txt`)).split("\n");
    expect(listening.slice(0, 4).sort()).toEqual([`${DIR}/tree/.hidden/d.conf`, `${DIR}/tree/a.conf`, `${DIR}/tree/skip-me.conf`, `${DIR}/tree/sub/deep/c.conf`].sort());
    expect(listening.slice(4)).toEqual(["matched 4", "examined 8", "Not all paths examined, check warnings for details", `${DIR}/missing`, ""]);
    expect((await sh(`cat ${DIR}/out/dirs.txt`)).split("\n").sort()).toEqual(["", `${DIR}/tree/sub true`]);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff shows what a file added by hand changes and changes nothing; the next converge records it", async () => {
    await sh(`printf 'listen 85\\n' > ${DIR}/tree/sub/e.conf`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["record confs", "record listening"]);
    expect(check.stdout).toContain(`+${DIR}/tree/sub/e.conf 0644 root:root 10\n`);
    expect(await sh(`grep -c e.conf ${DIR}/out/confs.txt || true`)).toBe("0\n");

    const fix = await site.converge();
    expect(changedTasks(fix)).toEqual(["record confs", "record listening"]);
    expect(await sh(`grep -c e.conf ${DIR}/out/confs.txt`)).toBe("1\n");
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a pattern Python would reject fails the task, naming it", async () => {
    const r = await site.converge([], { site: "failing.ts" });
    // Invalid arguments fail the task before the host is asked anything.
    expect(r.code, explain(r)).toBe(2);
    expect(r.report?.tasks[0]).toMatchObject({ status: "failed", msg: 'invalid arguments: contains: invalid regular expression "(unclosed": missing ), unterminated subpattern' });
  });
});
