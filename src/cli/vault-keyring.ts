import { vaultConfig } from "../secrets/vault/identities.js";
import { VaultKeyring } from "../secrets/vault/keyring.js";
import { promptSecret } from "./prompt.js";
import type { VaultCliOptions } from "./vault-options.js";

/** The command's ansible-vault keyring: its options and ANSIBLE_VAULT_* variables, in ansible-core's order. */
export function cliVaultKeyring(o: VaultCliOptions, env: NodeJS.ProcessEnv = process.env): VaultKeyring {
  const config = vaultConfig({
    vaultIds: o.vaultId,
    passwordFiles: [...(o.vaultPasswordFile ?? []), ...(o.vaultPassFile ?? [])],
    askVaultPass: o.askVaultPass === true || o.askVaultPassword === true,
    env,
  });
  return new VaultKeyring(config, (question) => promptSecret(question, "give --vault-password-file FILE"));
}
