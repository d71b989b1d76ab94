import { extname } from "node:path";
import { isMap } from "yaml";
import { isEncrypted } from "../secrets/envelope.js";
import { markUnsafe } from "../template/values/unsafe.js";
import { isVaultText } from "../secrets/vault/format.js";
import { VarsFileError } from "./errors.js";
import { readInventoryText } from "./read-text.js";
import { varsFromEntries, type TrackedVars } from "./provenance.js";
import { type Decrypt, decryptVaultValues } from "./vault-values.js";
import { describe, isNull, locate, mappingEntries, parseYamlFile, toTrackedValue } from "./yaml-document.js";

export type { Decrypt } from "./vault-values.js";

/**
 * Reads one vars file (group_vars/host_vars, `-e @file.yml`, `template render --vars`): a YAML or
 * JSON mapping of variable names to values. Each variable remembers `file:line`. An empty file is
 * no variables. A whole file encrypted by `do-converge secrets encrypt` or by `ansible-vault
 * encrypt` is decrypted first, and so are inline `!vault` values, when `decrypt` is given.
 */
export async function readVarsFile(path: string, decrypt?: Decrypt): Promise<TrackedVars> {
  let text = await readInventoryText(path, "cannot read vars file");
  const secret = isEncrypted(text);
  if (secret || isVaultText(text)) {
    if (decrypt === undefined) {
      const how = isVaultText(text) ? "an ansible-vault encrypted file: give --vault-password-file FILE" : "an encrypted secrets file: give --password-file FILE";
      throw new VarsFileError({ file: path, line: 1, column: 1 }, `is ${how}`);
    }
    text = await decrypt.file(text, path);
  }
  const vars = await decryptVaultValues(parseVarsText(text, path), decrypt);
  return secret ? secretVars(vars) : vars;
}

/**
 * The values of a do-converge secrets file are data, never templated (as `!unsafe`): a password
 * may hold `{{`, and a secret must not reach a template error's message. (A whole ansible-vault
 * file is not one of these: Ansible reads its plaintext as any vars file, templates included.)
 */
export function secretVars(vars: TrackedVars): TrackedVars {
  return varsFromEntries(Object.entries(vars).map(([k, t]) => [k, { ...t, exact: markUnsafe(t.exact ?? t.value) }]));
}

/**
 * The variables of a vars file's text, inline `!vault` values left as VaultText (readVarsFile
 * decrypts them). Encrypted text is refused: it is decrypted by readVarsFile only.
 */
export function parseVarsText(text: string, file: string): TrackedVars {
  // An encrypted file is ciphertext, not YAML; say what it is rather than "bad YAML".
  if (isEncrypted(text) || isVaultText(text)) {
    const what = isVaultText(text) ? "an ansible-vault encrypted file" : "an encrypted secrets file";
    throw new VarsFileError({ file, line: 1, column: 1 }, `${what} is read from group_vars/ or host_vars/, -e @FILE or --vars FILE (with a password), not here`);
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
      return [e.key, toTrackedValue(y, e.value, provenance)];
    }),
  );
}
