import { z } from "zod";
import { notFound, unprocessable } from "./http-util.js";
import { doTimestamp, type ActionRecord, type World } from "./world.js";

// Reserved-IP assign/unassign as DigitalOcean runs them: the POST answers at once with an
// in-progress action and locks the IP; the move happens later, and only then does the IP's
// droplet change. The lab hooks `onReservedIpMove` to move the address for real, so a failover
// test sees the same delay between "API accepted" and "traffic arrives" that production has.

export interface ReservedIpMove {
  ip: string;
  /** The droplet that gets the address; null for unassign. */
  to: number | null;
  /** The droplet that held it before; null when it was unassigned. */
  from: number | null;
}

export type OnReservedIpMove = (move: ReservedIpMove) => Promise<void>;

// Our own schema, stricter than the spec's anyOf (which lets droplet_id: "123" through): a
// client that sends the id as a string is the digitalocean-js defect the design calls out.
const ActionRequest = z.discriminatedUnion("type", [
  z.object({ type: z.literal("assign"), droplet_id: z.number().int().positive() }),
  z.object({ type: z.literal("unassign") }),
]);

function parseActionRequest(body: unknown): z.output<typeof ActionRequest> {
  const parsed = ActionRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  throw unprocessable(`${field}: ${issue?.message ?? "invalid action request"}`);
}

interface Pending {
  timer: NodeJS.Timeout | null;
  settled: Promise<void>;
  cancel: () => void;
}

export class ReservedIpActionRunner {
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly world: World,
    private readonly delayMs: number,
    private readonly onMove: OnReservedIpMove | undefined,
  ) {}

  /** Validates and starts an action; throws the ApiError DigitalOcean would answer with. */
  start(ip: string, body: unknown): ActionRecord {
    const reserved = this.world.reservedIps.get(ip);
    if (!reserved) throw notFound();
    const request = parseActionRequest(body);
    if (reserved.pendingActionId !== null) {
      throw unprocessable("The reserved IP already has a pending event.");
    }
    let to: number | null = null;
    if (request.type === "assign") {
      const droplet = this.world.droplets.get(request.droplet_id);
      if (!droplet) throw unprocessable(`droplet_id: Droplet ${request.droplet_id} could not be found.`);
      if (droplet.region !== reserved.region) {
        throw unprocessable(`The reserved IP is in ${reserved.region} and the Droplet in ${droplet.region}; they must share a region.`);
      }
      // A droplet holds at most one reserved IPv4 on DigitalOcean.
      const other = this.world.reservedIpsOf(droplet.id).find((r) => r.ip !== ip);
      if (other) throw unprocessable(`Droplet ${droplet.id} already has the reserved IP ${other.ip}.`);
      to = droplet.id;
    } else if (reserved.dropletId === null) {
      throw unprocessable("The reserved IP is not assigned to a Droplet.");
    }
    const action: ActionRecord = {
      id: this.world.newActionId(),
      type: request.type === "assign" ? "assign_ip" : "unassign_ip",
      status: "in-progress",
      startedAt: doTimestamp(),
      completedAt: null,
      ip,
      region: reserved.region,
      from: reserved.dropletId,
      to,
    };
    this.world.actions.set(action.id, action);
    reserved.pendingActionId = action.id;
    this.schedule(action);
    return action;
  }

  /** Resolves once no action is in progress: lets tests and the lab wait without polling. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()].map((p) => p.settled));
  }

  /** Cancels actions whose delay has not run out (they stay in-progress) and awaits moves already started. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) p.cancel();
    await this.idle();
  }

  private schedule(action: ActionRecord): void {
    let resolveSettled: () => void = () => {};
    const settled = new Promise<void>((resolve) => (resolveSettled = resolve));
    const entry: Pending = {
      timer: null,
      settled,
      cancel: () => {
        if (entry.timer === null) return; // already moving: close() waits for it instead
        clearTimeout(entry.timer);
        this.pending.delete(action.id);
        resolveSettled();
      },
    };
    entry.timer = setTimeout(() => {
      entry.timer = null;
      void this.complete(action).finally(() => {
        this.pending.delete(action.id);
        resolveSettled();
      });
    }, this.delayMs);
    this.pending.set(action.id, entry);
  }

  private async complete(action: ActionRecord): Promise<void> {
    const reserved = this.world.reservedIps.get(action.ip);
    if (!reserved) return;
    try {
      await this.onMove?.({ ip: action.ip, to: action.to, from: action.from });
      reserved.dropletId = action.to;
      action.status = "completed";
    } catch (err) {
      // The address did not (fully) move: the IP keeps its old droplet, as DigitalOcean's would.
      action.status = "errored";
      action.error = err instanceof Error ? err.message : String(err);
    } finally {
      action.completedAt = doTimestamp();
      reserved.pendingActionId = null;
    }
  }
}
