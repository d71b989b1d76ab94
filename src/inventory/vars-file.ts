import { extname } from "node:path";
import { isMap } from "yaml";
import { isEncrypted } from "../secrets/envelope.js";
import { markUnsafe } from "../template/values/unsafe.js";
import { VarsFileError } from "./errors.js";
import { readInventoryText } from "./read-text.js";
import { varsFromEntries, type TrackedVars } from "./provenance.js";
import { describe, isNull, locate, mappingEntries, parseYamlFile, toTracked } from "./yaml-document.js";

/** Turns an encrypted vars file's content into its YAML (see src/secrets/keyring.ts). */
export type Decrypt = (text: string, file: string) => Promise<string>;

/**
 * Reads one vars file (group_vars/host_vars, or `-e @file.yml`): a YAML or JSON mapping of
 * variable names to values. Each variable remembers `file:line`. An empty file is no variables.
 * A file encrypted by `do-converge secrets encrypt` is decrypted first, when `decrypt` is given.
 */
export async function readVarsFile(path: string, decrypt?: Decrypt): Promise<TrackedVars> {
  const text = await readInventoryText(path, "cannot read vars file");
  if (isEncrypted(text)) {
    if (decrypt === undefined) throw new VarsFileError({ file: path, line: 1, column: 1 }, "is an encrypted secrets file: give --password-file FILE");
    return secretVars(parseVarsText(await decrypt(text, path), path));
  }
  return parseVarsText(text, path);
}

/**
 * The values of a do-converge secrets file are data, never templated (as `!unsafe`): a password
 * may hold `{{`, and a secret must not reach a template error's message. (ansible-vault files,
 * which Ansible does template, are not these.)
 */
export function secretVars(vars: TrackedVars): TrackedVars {
  return varsFromEntries(Object.entries(vars).map(([k, t]) => [k, { ...t, exact: markUnsafe(t.exact ?? t.value) }]));
}

export function parseVarsText(text: string, file: string): TrackedVars {
  // A vault-encrypted file is ciphertext, not YAML; say what it is rather than "bad YAML".
  if (text.startsWith("$ANSIBLE_VAULT;")) {
    throw new VarsFileError({ file, line: 1, column: 1 }, "ansible-vault encrypted files are not supported yet");
  }
  if (isEncrypted(text)) {
    throw new VarsFileError({ file, line: 1, column: 1 }, "an encrypted secrets file is read from group_vars/ or host_vars/ (with --password-file), not here");
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
      return [e.key, { ...toTracked(y, e.value), provenance }];
    }),
  );
}
