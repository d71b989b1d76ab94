import { stringify } from "yaml";
import { DEPLOY_USER } from "./base.js";
import type { Topology } from "./topology.js";

/**
 * The lab as a static Ansible-shaped inventory: every host with its private address, the deploy
 * user and the lab key; one group per tag (dashes become underscores, as group names need).
 */
export function labInventory(t: Topology, keyFile: string, hosts = t.hosts.map((h) => h.name)): string {
  const chosen = t.hosts.filter((h) => hosts.includes(h.name));
  const groups: Record<string, { hosts: Record<string, null> }> = {};
  for (const h of chosen) {
    for (const tag of h.tags) {
      const g = tag.replace(/[^A-Za-z0-9_]/g, "_");
      groups[g] ??= { hosts: {} };
      (groups[g] as { hosts: Record<string, null> }).hosts[h.name] = null;
    }
  }
  return stringify({
    all: {
      vars: { ansible_user: DEPLOY_USER, ansible_ssh_private_key_file: keyFile },
      hosts: Object.fromEntries(chosen.map((h) => [h.name, { ansible_host: h.privateIpv4 }])),
      children: groups,
    },
  });
}
