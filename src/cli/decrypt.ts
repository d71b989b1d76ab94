import type { Decrypt } from "../inventory/vault-values.js";
import type { SecretMasker } from "../secrets/masker.js";
import { isVaultText } from "../secrets/vault/format.js";
import { cliKeyring } from "./keyring.js";
import { secretsOfDecrypted } from "./run-secrets-input.js";
import type { VaultCliOptions } from "./vault-options.js";
import { cliVaultKeyring } from "./vault-keyring.js";

/**
 * How a command turns encrypted variables into plain ones: do-converge's own secrets files with
 * --password-file, ansible-vault files and inline `!vault` values with the vault options. Every
 * plaintext joins the masker: each string of a decrypted file (encrypting it said they are
 * secrets), and each inline value whole.
 */
export function cliDecrypt(o: VaultCliOptions & { passwordFile?: string | undefined }, masker: SecretMasker): Decrypt {
  const keyring = cliKeyring(o.passwordFile);
  const vault = cliVaultKeyring(o);
  return {
    async file(text, file) {
      const plain = isVaultText(text) ? await vault.decryptText(text, file) : await keyring.decrypt(text, file);
      secretsOfDecrypted(masker, plain);
      return plain;
    },
    async value(text, where) {
      const plain = await vault.decryptText(text, where);
      masker.add(plain);
      return plain;
    },
  };
}
