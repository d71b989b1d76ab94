import { z } from "zod";
import { UnknownHostError } from "./errors.js";
import { groupsOfHost, hostsOfGroup, indexInventory } from "./graph.js";
import { ALL, type Inventory } from "./model.js";

/** The variables Ansible derives from the inventory itself; they sit above every other layer. */
export const MagicVarsSchema = z.object({
  inventory_hostname: z.string(),
  inventory_hostname_short: z.string(),
  group_names: z.array(z.string()),
  groups: z.record(z.string(), z.array(z.string())),
});
export type MagicVars = z.infer<typeof MagicVarsSchema>;

export function magicVars(inv: Inventory, host: string): MagicVars {
  if (!indexInventory(inv).hosts.has(host)) throw new UnknownHostError(host);
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split(".")[0] ?? host,
    // Ansible: sorted, without `all` (but with `ungrouped` for a host in no other group).
    group_names: groupsOfHost(inv, host)
      .filter((g) => g !== ALL)
      .sort(),
    groups: Object.fromEntries(inv.groups.map((g) => [g.name, [...hostsOfGroup(inv, g.name)]])),
  };
}
