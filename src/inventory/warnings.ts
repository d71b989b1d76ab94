import type { InventoryWarning } from "./model.js";
import { formatProvenance } from "./provenance.js";

/** One line per warning, `file:line: message`, the way inventory errors read. */
export function formatInventoryWarning(w: InventoryWarning): string {
  return w.location === undefined ? w.message : `${formatProvenance(w.location)}: ${w.message}`;
}
