import { isMap, isScalar, isSeq, type Node } from "yaml";
import type { Provenance } from "./provenance.js";
import { deref, locate, type YamlFile } from "./yaml-document.js";

/**
 * Where the value at a key path (as zod reports issue paths: keys and array indices) sits in a
 * parsed file; with `target: "key"`, where its key is (for an unknown key, the key is the news).
 * A scalar value is pointed at itself; a mapping or sequence at its key, whose line reads better.
 * Stops at the deepest node that exists, so a missing key points at its parent.
 */
export function locatePath(y: YamlFile, path: readonly PropertyKey[], target: "key" | "value" = "value"): Provenance {
  let node: Node | null = deref(y, y.doc.contents);
  let at: Provenance = locate(y, node);
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const key = deref(y, p.key);
        return isScalar(key) && String(key.value) === String(step);
      });
      if (pair === undefined) return at;
      node = deref(y, pair.value);
      at = target === "value" && isScalar(node) && node.value !== null ? locate(y, node) : locate(y, deref(y, pair.key));
    } else if (isSeq(node) && typeof step === "number") {
      const item = deref(y, node.items[step]);
      if (item === null) return at;
      at = locate(y, item);
      node = item;
    } else {
      return at;
    }
  }
  return at;
}
