import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, changedTasks, explain, total } from "./harness.js";

const skip = labSkipReason();
const DIR = "/srv/dcv-pending";
const ROOT_RECORD = "/var/lib/do-converge/pending-handlers/default/spare1.json";
const USER_RECORD = `/home/${DEPLOY_USER}/.local/state/do-converge/pending-handlers/default/spare1.json`;

// A handler notified in a run that then failed is not lost: the host keeps it pending and the
// next converge runs it, though the task that notified it has nothing left to change.
const site = (become: boolean, dir: string) => `
import { site, play } from "$DSL";
const v = (h: { vars: Record<string, unknown> }, k: string) => String(h.vars[k] ?? "");
export default site({
  inventory: ["inventory.yml"],
  plays: [play({
    name: "pending",
    hosts: "spare1",
    become: ${become},
    handlers: { "write marker": (h) => h.copy({ dest: "${dir}/marker", content: "handled\\n" }) },
    tasks: async (h) => {
      await h.file({ path: "${dir}", state: "directory", owner: "${become ? "root" : DEPLOY_USER}" }, { become: true });
      await h.copy({ dest: "${dir}/conf", content: v(h, "content") + "\\n" }, { notify: "write marker" });
      if (v(h, "fail") === "yes") await h.fail("a later task failed");
    },
  })],
});
`;

describe.skipIf(skip !== undefined)("handlers notified by a run that failed run on the next converge", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let t: TestSite;

  beforeAll(async () => {
    await lab.up();
    await root.run("spare1", `rm -rf ${DIR} ${DIR}-user ${ROOT_RECORD} ${USER_RECORD}`);
    t = new TestSite(lab, { "root.ts": site(true, DIR), "user.ts": site(false, `${DIR}-user`) }, ["spare1"]);
  });
  afterAll(async () => {
    await root.run("spare1", `rm -rf ${DIR} ${DIR}-user ${ROOT_RECORD} ${USER_RECORD}`).catch(() => "");
    root.close();
    t.remove();
  });

  it("become root: the record is root's, in /var/lib/do-converge; check mode reports it and writes nothing", async () => {
    const failed = await t.converge(["-e", "content=v1", "-e", "fail=yes"], { site: "root.ts" });
    expect(failed.code, explain(failed)).toBe(2);
    expect(changedTasks(failed)).toContain(`copy ${DIR}/conf`);
    expect(await root.run("spare1", `test -e ${DIR}/marker && echo present || echo absent`)).toBe("absent\n");
    const record = await root.run("spare1", `stat -c '%U %a' ${ROOT_RECORD}; cat ${ROOT_RECORD}`);
    expect(record).toMatch(/^root 600\n/);
    expect(record).toContain('"handler": "write marker"');

    const check = await t.converge(["-e", "content=v1", "--check"], { site: "root.ts" });
    expect(check.code, explain(check)).toBe(0);
    expect(check.stdout).toMatch(/ok: \[spare1\] write marker \(pending from an earlier run\) => notified .* would run with this play's handlers/);
    expect(changedTasks(check)).toEqual([`copy ${DIR}/marker`]);
    expect(await root.run("spare1", `test -e ${DIR}/marker && echo present || echo absent; cat ${ROOT_RECORD}`)).toBe(`absent\n${record.split("\n").slice(1).join("\n")}`);

    const fixed = await t.converge(["-e", "content=v1"], { site: "root.ts" });
    expect(fixed.code, explain(fixed)).toBe(0);
    // The notifying task has nothing to change: the handler runs because it was pending.
    expect(changedTasks(fixed)).toEqual([`copy ${DIR}/marker`]);
    expect(fixed.stdout).toMatch(/ok: \[spare1\] write marker \(pending from an earlier run\) => notified .* runs with this play's handlers/);
    expect(await root.run("spare1", `cat ${DIR}/marker; test -e ${ROOT_RECORD} && echo record || echo no-record`)).toBe("handled\nno-record\n");

    const again = await t.converge(["-e", "content=v1"], { site: "root.ts" });
    expect(again.code, explain(again)).toBe(0);
    expect(total(again, "changed"), explain(again)).toBe(0);
    expect(again.stdout).not.toContain("pending from an earlier run");
  });

  it("no become: the record is the login user's, under ~/.local/state", async () => {
    const failed = await t.converge(["-e", "content=v1", "-e", "fail=yes"], { site: "user.ts" });
    expect(failed.code, explain(failed)).toBe(2);
    expect(await root.run("spare1", `stat -c '%U %a' ${USER_RECORD}`)).toBe(`${DEPLOY_USER} 600\n`);

    const fixed = await t.converge(["-e", "content=v1"], { site: "user.ts" });
    expect(fixed.code, explain(fixed)).toBe(0);
    expect(changedTasks(fixed)).toEqual([`copy ${DIR}-user/marker`]);
    expect(await root.run("spare1", `cat ${DIR}-user/marker; test -e ${USER_RECORD} && echo record || echo no-record`)).toBe("handled\nno-record\n");
    const again = await t.converge(["-e", "content=v1"], { site: "user.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
