import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { TestSite, explain } from "./harness.js";

// Ansible's setup task runs with the play's become, so the user facts describe the user the
// play's tasks run as: root in a become play, the login user (deploy) in one without.
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

describe.skipIf(skip !== undefined)("facts are gathered as the play's become user", () => {
  const lab = Lab.fromFile();
  let site: TestSite;

  beforeAll(async () => {
    await lab.up();
    site = new TestSite(lab, { "site.ts": SITE }, ["web3"]);
  });
  afterAll(() => site.remove());

  it("root in a become play, deploy in a play without", async () => {
    const r = await site.converge();
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain("become=root:/root");
    expect(r.stdout).toContain("login=deploy:/home/deploy");
  });
});
