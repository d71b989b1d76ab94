import { readFile } from "node:fs/promises";
import { InventorySyntaxError } from "./errors.js";
import type { Provenance } from "./provenance.js";

/** Reads an inventory-related file; a failure names the file (or `at`) and what was being read. */
export async function readInventoryText(path: string, what = "cannot read inventory", at?: Provenance): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new InventorySyntaxError(at ?? { file: path }, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
