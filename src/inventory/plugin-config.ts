import { isMap } from "yaml";
import type { z } from "zod";
import { InventoryShapeError } from "./errors.js";
import type { Provenance } from "./provenance.js";
import { locatePath } from "./yaml-paths.js";
import { describe, locate, parseYamlFile, toValue, type YamlFile } from "./yaml-document.js";

/** A plugin config file (`plugin: digitalocean`, `plugin: terraform`) parsed and validated. */
export interface PluginConfig<T> {
  readonly config: T;
  /** Where a key path is in the file, for messages about settings that were valid but did not work out. */
  at(path: readonly PropertyKey[]): Provenance;
  /** Whether the operator wrote the key (not a default), so a message can point at it or at the file. */
  has(key: string): boolean;
}

/**
 * Parses a plugin config with the inventory's YAML rules and validates it with a zod schema. The
 * first problem becomes an InventoryShapeError at file:line:col naming the key; `hint` may add
 * advice for particular unknown keys (a token written into the file, say).
 */
export function parsePluginConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  hint: (unknownKey: string) => string | undefined = () => undefined,
): PluginConfig<z.output<S>> {
  const y = parseYamlFile(text, file);
  const root = y.doc.contents;
  if (!isMap(root)) throw new InventoryShapeError(locate(y, root), `an inventory plugin config must be a mapping, found ${describe(root)}`);
  const raw = toValue(y, root);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw shapeError(y, parsed.error, hint);
  const keys = new Set(typeof raw === "object" && raw !== null ? Object.keys(raw) : []);
  return { config: parsed.data, at: (path) => locatePath(y, path, "key"), has: (key) => keys.has(key) };
}

function shapeError(y: YamlFile, error: z.ZodError, hint: (key: string) => string | undefined): InventoryShapeError {
  const issue = error.issues[0];
  if (issue === undefined) return new InventoryShapeError({ file: y.file }, "invalid plugin config");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const path = [...issue.path, key];
    const advice = hint(key);
    return new InventoryShapeError(locatePath(y, path, "key"), advice ?? "unknown key", path.join("."));
  }
  const path = issue.path.length === 0 ? undefined : issue.path.join(".");
  return new InventoryShapeError(locatePath(y, issue.path), issue.message, path);
}
