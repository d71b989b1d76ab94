import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryCommand } from "../../src/cli/inventory-command.js";
import { labSkipReason } from "./availability.js";
import { DEPLOY_USER } from "./base.js";
import { TestSite, explain, total } from "./engine/harness.js";
import { Lab } from "./lab.js";
import { type LabSsh, knownKeys, labSsh } from "./ssh.js";

// The whole chain on real hosts: the lab's fake DigitalOcean API serves the lab hosts as
// droplets; a `plugin: digitalocean` inventory reads them by tag; a site converges the hosts it
// found over SSH. Only /tmp/dcv-inv-test is written on the hosts, and it is removed afterwards.

const skip = labSkipReason();
const HOSTS = ["spare1", "web1", "web2", "web3"];
const DIR = "/tmp/dcv-inv-test";

const INVENTORY = `plugin: digitalocean
tags: [spare, wp-wp-app]
host_address: private
keyed_groups: [region, { key: size, prefix: size }]
`;

const SITE = `
import { site, play, role } from "$DSL";

const probe = role({
  name: "probe",
  async tasks(h) {
    await h.file({ path: "${DIR}", state: "directory", mode: "0755" });
    await h.template({ src: "droplet.txt.njk", dest: "${DIR}/droplet.txt", mode: "0644" });
  },
});

export default site({
  inventory: ["digitalocean.yml"],
  plays: [play({ name: "hosts found by DigitalOcean tag", hosts: "spare:wp_wp_app", roles: [probe] })],
});
`;

const TEMPLATE = `{{ inventory_hostname }} id={{ do_id }} region={{ do_region }} size={{ do_size }} tags={{ do_tags | join(',') }}
address={{ ansible_host }} private={{ do_private_ipv4 }} public={{ do_public_ipv4 }}
groups={{ group_names | sort | join(',') }}
web={{ groups['wp_wp_app'] | join(',') }}
`;

describe.skipIf(skip !== undefined)("a DigitalOcean inventory drives a converge of lab hosts", () => {
  const lab = Lab.fromFile();
  let site: TestSite;
  let env: Record<string, string>;
  const sessions = new Map<string, LabSsh>();
  const sh = async (name: string, cmd: string) => {
    let s = sessions.get(name);
    if (!s) {
      s = await labSsh({ host: lab.host(name).privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, name) });
      sessions.set(name, s);
    }
    return (await s.exec(`sudo -n sh -c '${cmd.replace(/'/g, `'"'"'`)}'`)).stdout;
  };

  beforeAll(async () => {
    await lab.up();
    env = { DIGITALOCEAN_API_URL: lab.api.url, DIGITALOCEAN_TOKEN: lab.api.token };
    for (const h of HOSTS) await sh(h, `rm -rf ${DIR}`);
    site = new TestSite(lab, {
      "site.ts": SITE,
      "digitalocean.yml": INVENTORY,
      // group_vars/ beside the inventory: how to log in, which the API cannot know.
      "group_vars/all.yml": `ansible_user: ${DEPLOY_USER}\nansible_ssh_private_key_file: ${lab.keyFile}\n`,
      "roles/probe/templates/droplet.txt.njk": TEMPLATE,
    });
  });
  afterAll(async () => {
    for (const h of HOSTS) await sh(h, `rm -rf ${DIR}`).catch(() => "");
    for (const s of sessions.values()) s.close();
    site?.remove();
  });

  it("lists the droplets of the tags as hosts with their lab addresses", async () => {
    const { output, warnings } = await inventoryCommand(undefined, { inventory: [`${site.dir}/digitalocean.yml`], list: true }, { env });
    expect(warnings).toEqual([]);
    const list = JSON.parse(output) as Record<string, { hosts?: string[] }> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    expect(Object.keys(list._meta.hostvars).sort()).toEqual(HOSTS);
    expect(list["spare"]?.hosts).toEqual(["spare1"]);
    expect(list["wp_wp_app"]?.hosts).toEqual(["web1", "web2", "web3"]);
    for (const h of HOSTS) {
      expect(list._meta.hostvars[h]).toMatchObject({ ansible_host: lab.host(h).privateIpv4, ansible_user: DEPLOY_USER, do_id: lab.host(h).dropletId });
    }
  });

  it("converges the hosts it found over SSH, then a second run changes nothing", async () => {
    const first = await site.converge(["-i", "digitalocean.yml"], { env });
    expect(first.code, explain(first)).toBe(0);
    expect(Object.keys(first.report?.recap ?? {}).sort()).toEqual(HOSTS);
    expect(total(first, "failed")).toBe(0);
    for (const h of HOSTS) expect(first.report?.recap[h]?.changed, explain(first)).toBe(2);

    for (const name of HOSTS) {
      const h = lab.host(name);
      const groups = [...h.tags.map((t) => t.replace(/-/g, "_")), `region_${h.region}`, `size_${h.size.replace(/-/g, "_")}`].sort();
      expect(await sh(name, `cat ${DIR}/droplet.txt`)).toBe(
        `${name} id=${h.dropletId} region=${h.region} size=${h.size} tags=${h.tags.join(",")}\n` +
          `address=${h.privateIpv4} private=${h.privateIpv4} public=${h.publicIpv4}\n` +
          `groups=${groups.join(",")}\n` +
          "web=web1,web2,web3\n",
      );
    }

    const second = await site.converge(["-i", "digitalocean.yml"], { env });
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed")).toBe(0);
  });

  it("stops before any host when the lab's API refuses the token", async () => {
    const r = await site.converge(["-i", "digitalocean.yml"], { env: { ...env, DIGITALOCEAN_TOKEN: "not-the-lab-token" } });
    expect(r.code).toBe(1);
    expect(r.report).toBeUndefined();
    expect(r.stderr).toMatch(/^ERROR: \S+digitalocean\.yml: DigitalOcean API 401 unauthorized: .*the token from DIGITALOCEAN_TOKEN was refused/);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
