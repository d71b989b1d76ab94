import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { type Converge, RootShells, TestSite, explain } from "./harness.js";

// When a host's facts are gathered. Ansible's setup task runs with the play's become, so the user
// facts describe the user the play's tasks run as: root in a become play, the login user (deploy)
// in one without. A host's facts are gathered once in a run: a later play that gathers as the same
// user takes them as they are, and a setup task (h.gatherFacts()) gathers them again for the rest
// of the run — a local fact (/etc/ansible/facts.d) written in between is seen only after it.
const skip = labSkipReason();

const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "as root", hosts: "all", become: true, tasks: async (h) => { await h.debug("become=" + h.facts.ansible.facts.user_id + ":" + h.facts.ansible.facts.user_dir); } }),
    play({ name: "as the login user", hosts: "all", tasks: async (h) => { await h.debug("login=" + h.facts.ansible.facts.user_id + ":" + h.facts.ansible.facts.user_dir); } }),
  ],
});
`;

const FACTS_D = "/etc/ansible/facts.d";
const FACT = `${FACTS_D}/dcv_once.fact`;

const ONCE = `
import { site, play, jinja, type Host } from "$DSL";

const local = (h: Host) => JSON.stringify(h.facts.ansible.facts.local["dcv_once"] ?? null);

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "one", hosts: "all", become: true, tasks: async (h) => {
      await h.debug("one=" + local(h));
      await h.file({ path: "${FACTS_D}", state: "directory", mode: "0755" });
      await h.copy({ dest: "${FACT}", content: JSON.stringify({ token: String(h.vars.token) }) + "\\n", mode: "0644" });
    } }),
    play({ name: "two", hosts: "all", become: true, tasks: async (h) => {
      await h.debug("two=" + local(h));
      await h.gatherFacts();
      await h.debug("two after setup=" + local(h));
    } }),
    play({ name: "three", hosts: "all", become: true, tasks: async (h) => {
      await h.debug("three=" + String(h.jinja.value(jinja("{{ ansible_local.dcv_once.token | default('none') }}"))));
    } }),
  ],
});
`;

/** The fact gathering tasks a run reported for a host, as "play: task". */
function gathers(r: Converge, host: string): string[] {
  return r.stdout
    .split("\n")
    .filter((l) => /^ok: \[[^\]]+\] (Gathering Facts|setup)$/.test(l))
    .filter((l) => l.startsWith(`ok: [${host}] `))
    .map((l) => l.slice(`ok: [${host}] `.length));
}

describe.skipIf(skip !== undefined)("when facts are gathered", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let site: TestSite;
  const clean = () => root.run("web3", `rm -f ${FACT}; rmdir ${FACTS_D} /etc/ansible 2>/dev/null; true`);

  beforeAll(async () => {
    await lab.up();
    await clean();
    site = new TestSite(lab, { "site.ts": SITE, "once.ts": ONCE }, ["web3"]);
  });
  afterAll(async () => {
    await clean().catch(() => "");
    root.close();
    site.remove();
  });

  it("as the play's become user: root in a become play, deploy in a play without (each gathers: other user, other facts)", async () => {
    const r = await site.converge();
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain("become=root:/root");
    expect(r.stdout).toContain("login=deploy:/home/deploy");
    expect(gathers(r, "web3"), explain(r)).toEqual(["Gathering Facts", "Gathering Facts"]);
  });

  it("once per host and run: later plays take the facts as they are; a setup task gathers them again", async () => {
    const token = randomBytes(6).toString("hex");
    const r = await site.converge(["-e", `token=${token}`, "--profile"], { site: "once.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain("] debug => one=null\n");
    // Play two's facts are play one's, gathered before the fact file was written.
    expect(r.stdout).toContain("] debug => two=null\n");
    expect(r.stdout).toContain(`] debug => two after setup={"token":"${token}"}\n`);
    expect(r.stdout).toContain(`] debug => three=${token}\n`);
    expect(gathers(r, "web3"), explain(r)).toEqual(["Gathering Facts", "setup"]);
    expect(r.report?.tasks.filter((t) => t.module === "facts").map((t) => t.task)).toEqual(["Gathering Facts", "setup"]);
    // --profile lists the gathers by play: play one's, and play two's setup task; none for play three.
    const profile = r.stdout.slice(r.stdout.lastIndexOf("TASK PROFILE"));
    expect(profile.match(/ : (Gathering Facts|setup)$/gm)?.sort(), profile).toEqual([" : Gathering Facts", " : setup"]);
    expect(profile).toMatch(/ one : Gathering Facts$/m);
    expect(profile).toMatch(/ two : setup$/m);
  });

  it("--check: the facts hold for later plays (nothing changed), the setup task still gathers", async () => {
    await root.run("web3", `mkdir -p ${FACTS_D} && printf '%s\\n' '{"token":"before"}' >${FACT}`);
    const before = await root.run("web3", `cat ${FACT}`);
    const r = await site.converge(["-e", "token=never-written", "--check"], { site: "once.ts" });
    expect(r.code, explain(r)).toBe(0);
    for (const at of ["one", "two", "two after setup"]) expect(r.stdout).toContain(`] debug => ${at}={"token":"before"}\n`);
    expect(r.stdout).toContain("] debug => three=before\n");
    expect(r.stdout).toContain(`changed: [web3] copy ${FACT}`);
    expect(gathers(r, "web3"), explain(r)).toEqual(["Gathering Facts", "setup"]);
    expect(await root.run("web3", `cat ${FACT}`)).toBe(before);
  });
});
