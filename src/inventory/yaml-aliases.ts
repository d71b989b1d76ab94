import type { Node, ToJSOptions } from "yaml";
import { InventorySyntaxError } from "./errors.js";
import type { YamlFile } from "./yaml-document.js";

/** The yaml package's default: an anchor's uses times its nested aliases, within one value. */
const MAX_ALIAS_COUNT = 100;

/**
 * node.toJS, with the yaml package's guard against an alias bomb ("billion laughs": anchors whose
 * aliases nest into an exponential expansion) turned into an error naming the file and the line
 * of the value that expands, instead of a ReferenceError's stack trace. The guard bounds the
 * work: it counts an anchor's uses times its nested aliases and stops past the limit.
 */
export function nodeToJS(y: YamlFile, node: Node, options: Omit<ToJSOptions, "maxAliasCount"> = {}): unknown {
  try {
    const value: unknown = node.toJS(y.doc, { ...options, maxAliasCount: MAX_ALIAS_COUNT });
    return value;
  } catch (err) {
    if (err instanceof ReferenceError && /excessive alias count/i.test(err.message)) {
      const { line, col } = y.lines.linePos(node.range?.[0] ?? 0);
      throw new InventorySyntaxError(
        { file: y.file, line, column: col },
        `invalid YAML: aliases expand too far here (an anchor's uses times its nested aliases pass ${MAX_ALIAS_COUNT}): an alias bomb?`,
      );
    }
    throw err;
  }
}
