import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Lab } from "../../lab/lab.js";
import { WARM_PACKAGES, ansibleOutcome, twinInventory } from "../../bench/reference-bench.js";
import { referenceTopology } from "../../bench/topologies.js";

// The reference-site workload's Ansible twin: the seed's playbook's groups on the bench lab's
// droplets, and what the bench reads from ansible-playbook's output.

const lab = new Lab(referenceTopology());
const site = {
  reservedIp: "10.80.0.250",
  artifacts: {
    wordpress: { url: "http://10.79.0.1:8090/wordpress-6.1.1.tar.gz", sha256: "ab", version: "6.1.1" },
    plugin: { url: "http://10.79.0.1:8090/dcv-lab-plugin-1.0.0.zip", sha256: "cd", name: "dcv-lab-plugin" },
  },
};
const vault = { vault_sys_user: "wpadmin" };

type Inv = { all: { vars: Record<string, unknown>; hosts: Record<string, Record<string, unknown>>; children: Record<string, { hosts: Record<string, Record<string, unknown>> }> } };

describe("the twin's inventory", () => {
  it("puts the droplets in the seed playbook's groups by their tags, with what DigitalOcean's inventory gave each", () => {
    const inv = parse(twinInventory(lab, { vault, site, founding: true })) as Inv;
    const groups = Object.fromEntries(Object.entries(inv.all.children).map(([g, v]) => [g, Object.keys(v.hosts)]));
    expect(groups).toEqual({ galera_cluster_node: ["bench-db1", "bench-db2", "bench-db3"], galera_loadbalancer: ["bench-lb1", "bench-lb2"], wp_node: ["bench-web1", "bench-web2", "bench-web3"], ha_db_fip: ["db-fip"] });
    expect(inv.all.hosts["bench-web2"]).toEqual({ ansible_host: "10.79.0.16", name: "bench-web2", ipv4_address_private: "10.79.0.16" });
    expect(inv.all.children["ha_db_fip"]?.hosts["db-fip"]).toEqual({ ansible_host: "10.80.0.250", ip_address: "10.80.0.250" });
    expect(inv.all.vars).toMatchObject({
      vault_sys_user: "wpadmin",
      wp_download_url: site.artifacts.wordpress.url,
      wp_plugin_list: [site.artifacts.plugin.url],
      primary_name: "bench-lb1",
      primary_address: "10.80.0.13",
      secondary_name: "bench-lb2",
      secondary_address: "10.80.0.14",
    });
  });

  it("founds the Galera cluster on its first node in the first run only; every node knows the cluster's addresses", () => {
    const nodes = (founding: boolean) => (parse(twinInventory(lab, { vault, site, founding })) as Inv).all.children["galera_cluster_node"]?.hosts ?? {};
    const gcomm = "10.79.0.10,10.79.0.11,10.79.0.12";
    expect(nodes(true)).toEqual({
      "bench-db1": { galera_node_ip: "10.79.0.10", galera_gcomm_address: gcomm, galera_bootstrap: true },
      "bench-db2": { galera_node_ip: "10.79.0.11", galera_gcomm_address: gcomm },
      "bench-db3": { galera_node_ip: "10.79.0.12", galera_gcomm_address: gcomm },
    });
    expect(Object.values(nodes(false)).some((v) => "galera_bootstrap" in v)).toBe(false);
  });

  it("warms the apt cache with each package once", () => {
    expect(new Set(WARM_PACKAGES).size).toBe(WARM_PACKAGES.length);
  });
});

describe("ansible-playbook's output", () => {
  it("sums the recap over hosts and names the tasks that changed, handlers too", () => {
    const out = [
      "PLAY [galera_cluster_node] *****",
      "",
      "TASK [galera configuration file] ****************",
      "ok: [db2]",
      "changed: [db1]",
      "",
      "TASK [Get active sites] ***",
      "changed: [web1]",
      "changed: [web2]",
      "",
      "RUNNING HANDLER [restart mysql] ***",
      "changed: [db1]",
      "",
      "PLAY RECAP *********",
      "db1                        : ok=20   changed=2    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0",
      "web1                       : ok=30   changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0",
      "web2                       : ok=30   changed=1    unreachable=1    failed=1    skipped=0    rescued=0    ignored=0",
      "",
    ].join("\n");
    expect(ansibleOutcome(out)).toEqual({ changed: 4, failed: 1, unreachable: 1, changedTasks: ["galera configuration file", "Get active sites", "restart mysql"] });
  });
});
