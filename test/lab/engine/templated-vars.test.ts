import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain } from "./harness.js";

// Variables whose values are templates in a real converge over SSH: values that need the host's
// facts are evaluated once they are gathered, in each host's own facts; hostvars[peer].x is the
// peer's value, facts included; a value that is a list expression is a list (ansible_eval_concat's
// literal_eval) for templates and for the typed role.

const skip = labSkipReason();
const HOSTS = ["lb1", "lb2"];
const DIR = "/srv/dcv-templated-vars";

const SITE = `
import { play, role, site, z } from "$DSL";
const app = role({
  name: "app",
  vars: z.object({ app_mem: z.string().regex(/^[0-9]+M$/), app_peers: z.array(z.string()), app_port: z.number().int() }),
  async tasks(h, v) {
    await h.file({ path: "${DIR}", state: "directory" });
    await h.template({ src: "app.conf.j2", dest: "${DIR}/app.conf" });
    await h.copy({ content: JSON.stringify(v) + "\\n", dest: "${DIR}/vars.json" });
  },
});
// Hosts do not wait for each other within a play (unlike Ansible's linear strategy), so a peer's
// facts are certain only once an earlier play has gathered them: the first play does.
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "facts", hosts: "all", gatherFacts: true, tasks: async () => {} }),
    play({ name: "templated vars", hosts: "all", become: true, gatherFacts: true, roles: [app] }),
  ],
});
`;

const GROUP_VARS = `base_port: 8000
app_port: "{{ base_port + 80 }}"
app_mem: "{{ (ansible_memtotal_mb * 0.25) | int }}M"
app_peers: "{{ groups['all'] | difference([inventory_hostname]) }}"
host_id: "{{ ansible_hostname }}-{{ ansible_machine }}"
`;

const TEMPLATE = `mem={{ app_mem }}
peers={{ app_peers | join(',') }} string={{ app_peers is string }}
me={{ host_id }}
peer={{ hostvars[app_peers[0]].host_id }}
peer_mem={{ hostvars[app_peers[0]].app_mem }}
port={{ app_port + 1 }}
`;

describe.skipIf(skip !== undefined)("variables whose values are templates, on lab hosts", () => {
  const lab = Lab.fromFile();
  let site: TestSite;

  beforeAll(async () => {
    await lab.up();
    site = new TestSite(lab, { "site.ts": SITE, "group_vars/all.yml": GROUP_VARS, "roles/app/templates/app.conf.j2": TEMPLATE }, HOSTS);
  });
  afterAll(async () => {
    site.remove();
    const root = new RootShells(lab);
    for (const h of HOSTS) await root.run(h, `rm -rf ${DIR}`);
    root.close();
  });

  it("evaluates facts-dependent values per host after gathering, hostvars in the peer's facts, list expressions as lists", async () => {
    const run = await site.converge(["--no-typecheck"]);
    expect(run.code, explain(run)).toBe(0);
    const conf = new Map(HOSTS.map((h) => [h, readFileSync(join(lab.rootOf(h), DIR, "app.conf"), "utf8")]));
    const field = (h: string, name: string): string => new RegExp(`^${name}=(.*)$`, "m").exec(conf.get(h) ?? "")?.[1] ?? "";
    for (const [h, peer] of [
      ["lb1", "lb2"],
      ["lb2", "lb1"],
    ] as const) {
      expect(conf.get(h), h).toMatch(/^mem=\d+M\npeers=\S+ string=False\nme=\S+-\S+\npeer=\S+\npeer_mem=\d+M\nport=8081\n$/);
      expect(field(h, "peers")).toBe(`${peer} string=False`);
      expect(field(h, "peer")).toBe(field(peer, "me"));
      expect(field(h, "peer_mem")).toBe(field(peer, "mem"));
      const vars = JSON.parse(readFileSync(join(lab.rootOf(h), DIR, "vars.json"), "utf8")) as Record<string, unknown>;
      expect(vars).toMatchObject({ app_mem: field(h, "mem"), app_peers: [peer], app_port: 8080 });
    }
  });
});
