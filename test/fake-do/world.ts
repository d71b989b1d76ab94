import { regionName, sizeInfo } from "./catalog.js";
import {
  FakeSeedError,
  normalizeAccount,
  normalizeDroplets,
  normalizeReservedIps,
  type AccountRecord,
  type AccountSeed,
  type DropletRecord,
  type DropletSeed,
  type ReservedIpSeed,
} from "./seeds.js";

// The fake's whole mutable state, kept apart from HTTP so the API handler, the metadata service
// and the reserved-IP action runner all read one truth.

export interface ReservedIpRecord {
  ip: string;
  region: string;
  dropletId: number | null;
  /** The in-progress action holding the IP's lock; DigitalOcean refuses new actions meanwhile. */
  pendingActionId: number | null;
}

export type ActionStatus = "in-progress" | "completed" | "errored";

export interface ActionRecord {
  id: number;
  /** DigitalOcean's action type names for reserved IPs (the request says assign, the action says assign_ip). */
  type: "assign_ip" | "unassign_ip";
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  ip: string;
  region: string;
  from: number | null;
  to: number | null;
  /** Why an errored action failed (the onReservedIpMove error); not part of DigitalOcean's object. */
  error?: string;
}

export interface WorldSeeds {
  droplets: readonly DropletSeed[];
  reservedIps?: readonly ReservedIpSeed[];
  account?: AccountSeed;
  firstDropletId?: number;
}

/** DigitalOcean timestamps carry whole seconds: 2020-11-14T16:29:21Z. */
export function doTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class World {
  readonly droplets = new Map<number, DropletRecord>();
  readonly reservedIps = new Map<string, ReservedIpRecord>();
  readonly actions = new Map<number, ActionRecord>();
  readonly account: AccountRecord;
  private nextActionId = 2_400_000_001;

  constructor(seeds: WorldSeeds) {
    for (const d of normalizeDroplets(seeds.droplets, seeds.firstDropletId ?? 4_100_000_001)) {
      // Fail at start-up, not on the first request, when a seed names a size or region we cannot render.
      sizeInfo(d.size);
      regionName(d.region);
      this.droplets.set(d.id, d);
    }
    for (const [i, r] of normalizeReservedIps(seeds.reservedIps ?? []).entries()) {
      regionName(r.region);
      if (this.reservedIps.has(r.ip)) throw new FakeSeedError(`reservedIps[${i}].ip: duplicate reserved IP ${r.ip}`);
      if (r.dropletId !== null) {
        const holder = this.droplets.get(r.dropletId);
        if (!holder) throw new FakeSeedError(`reservedIps[${i}].dropletId: no droplet ${r.dropletId}`);
        if (holder.region !== r.region) {
          throw new FakeSeedError(`reservedIps[${i}]: ${r.ip} is in ${r.region} but droplet ${r.dropletId} is in ${holder.region}`);
        }
      }
      this.reservedIps.set(r.ip, { ...r, pendingActionId: null });
    }
    this.account = normalizeAccount(seeds.account);
  }

  newActionId(): number {
    return this.nextActionId++;
  }

  /** Droplets in id order, as DigitalOcean lists them. */
  listDroplets(filter: { tagName?: string; name?: string } = {}): DropletRecord[] {
    const name = filter.name?.toLowerCase();
    return [...this.droplets.values()]
      .filter((d) => filter.tagName === undefined || d.tags.includes(filter.tagName))
      .filter((d) => name === undefined || d.name.toLowerCase() === name)
      .sort((a, b) => a.id - b.id);
  }

  /** Tags exist while some droplet carries them (the fake has no tag create/delete). */
  listTags(): { name: string; droplets: DropletRecord[] }[] {
    const byTag = new Map<string, DropletRecord[]>();
    for (const d of this.listDroplets()) {
      for (const t of d.tags) {
        const list = byTag.get(t);
        if (list) list.push(d);
        else byTag.set(t, [d]);
      }
    }
    return [...byTag.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, droplets]) => ({ name, droplets }));
  }

  /** The reserved IPs assigned to a droplet (the metadata service's reserved_ip/ipv4). */
  reservedIpsOf(dropletId: number): ReservedIpRecord[] {
    return [...this.reservedIps.values()].filter((r) => r.dropletId === dropletId);
  }

  /** Actions on one reserved IP, newest first like DigitalOcean's list. */
  actionsOf(ip: string): ActionRecord[] {
    return [...this.actions.values()].filter((a) => a.ip === ip).sort((a, b) => b.id - a.id);
  }
}
