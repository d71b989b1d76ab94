import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { isMap } from "yaml";
import { InventorySyntaxError, VarsFileError } from "./errors.js";
import { varsFromEntries, type TrackedVars } from "./provenance.js";
import { describe, isNull, locate, mappingEntries, parseYamlFile, toValue } from "./yaml-document.js";

/**
 * Reads one vars file (group_vars/host_vars, or `-e @file.yml`): a YAML or JSON mapping of
 * variable names to values. Each variable remembers `file:line`. An empty file is no variables.
 */
export async function readVarsFile(path: string): Promise<TrackedVars> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InventorySyntaxError({ file: path }, `cannot read vars file: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseVarsText(text, path);
}

export function parseVarsText(text: string, file: string): TrackedVars {
  // A vault-encrypted file is ciphertext, not YAML; say what it is rather than "bad YAML".
  if (text.startsWith("$ANSIBLE_VAULT;")) {
    throw new VarsFileError({ file, line: 1, column: 1 }, "ansible-vault encrypted files are not supported yet");
  }
  const y = parseYamlFile(text, file, extname(file) === ".json" ? "json" : "yaml");
  const root = y.doc.contents;
  if (root === null || isNull(root)) return {};
  if (!isMap(root)) {
    throw new VarsFileError(locate(y, root), `a vars file must be a mapping of variable names to values, found ${describe(root)}`);
  }
  return varsFromEntries(
    mappingEntries(y, root, "(top level)").map((e) => {
      const provenance = e.at.line === undefined ? { file } : { file, line: e.at.line };
      return [e.key, { value: toValue(y, e.value), provenance }];
    }),
  );
}
