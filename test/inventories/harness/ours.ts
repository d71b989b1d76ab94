import { inventoryCommand } from "../../../src/cli/inventory-command.js";
import type { InventoryCase } from "./cases.js";
import type { Listing } from "./ansible.js";

/** What `do-converge inventory -i ... --list` prints (its own code, in-process), parsed. */
export async function listOurs(c: InventoryCase): Promise<Listing> {
  try {
    const { output } = await inventoryCommand(undefined, { inventory: c.sources, list: true });
    return { ok: true, json: JSON.parse(output) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
