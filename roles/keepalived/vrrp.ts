import type { Facts } from "do-converge";

// The pure part of the keepalived role: who is primary, what priority each load balancer gets,
// which addresses it talks VRRP to, and on which interface. Kept out of index.ts so that it can be
// unit-tested without a host.

export interface VrrpInput {
  /** This host's inventory name. */
  self: string;
  /** The load balancers, in inventory order (the keepalived group). */
  members: readonly string[];
  /** The operator's choice of primary; undefined means the first member. */
  primary?: string | undefined;
  /** A member's private address (VRRP runs over the VPC). */
  addressOf: (name: string) => string;
  /** Priority of the primary. */
  primaryPriority: number;
  /** Priority of the first backup; later backups get one less each, so no two tie. */
  backupPriority: number;
}

export interface VrrpPlan {
  primary: string;
  isPrimary: boolean;
  priority: number;
  /** unicast_src_ip: this host's private address. */
  srcIp: string;
  /** unicast_peer: every other member's private address, in member order. */
  peers: string[];
}

export class VrrpPlanError extends Error {
  override readonly name = "VrrpPlanError";
}

/**
 * The VRRP settings of one member. The primary is explicit (docs/architecture.md, defects of the original: never decided by sorting
 * addresses); without one the first member of the group in inventory order is the primary, which
 * an operator can pin with keepalived_primary. Backups get distinct priorities so that, with more
 * than two load balancers, the election among them is deterministic as well.
 */
export function vrrpPlan(input: VrrpInput): VrrpPlan {
  const { self, members } = input;
  if (!members.includes(self)) throw new VrrpPlanError(`${self} is not in the keepalived group (${members.join(", ") || "empty"})`);
  const primary = input.primary ?? members[0] ?? self;
  if (!members.includes(primary)) {
    throw new VrrpPlanError(`keepalived_primary ${primary} is not in the keepalived group (${members.join(", ")})`);
  }
  if (input.primaryPriority <= input.backupPriority) {
    throw new VrrpPlanError(`the primary's priority (${input.primaryPriority}) must be above the backups' (${input.backupPriority})`);
  }
  const backups = members.filter((m) => m !== primary);
  const isPrimary = self === primary;
  const priority = isPrimary ? input.primaryPriority : input.backupPriority - backups.indexOf(self);
  if (priority < 1) throw new VrrpPlanError(`${self} would get VRRP priority ${priority}: too many backups for keepalived_backup_priority ${input.backupPriority}`);

  const srcIp = input.addressOf(self);
  const peers = members.filter((m) => m !== self).map((m) => input.addressOf(m));
  const dup = peers.find((p, i) => p === srcIp || peers.indexOf(p) !== i);
  if (dup !== undefined) throw new VrrpPlanError(`two load balancers share the private address ${dup}`);
  return { primary, isPrimary, priority, srcIp, peers };
}

/**
 * The interface that holds an IPv4 address, from the gathered facts. On a droplet the private
 * address is on eth1; in the lab both addresses share host0. Neither is a safe guess, and lab hosts
 * have no default route (docs/debian12-notes.md, 10), so the address decides.
 */
export function interfaceHolding(address: string, interfaces: Facts["interfaces"]): string | undefined {
  return interfaces.find((i) => i.ipv4.some((a) => a.address === address))?.name;
}
