import { type Command, Option } from "commander";
import { vaultConfig } from "../secrets/vault/identities.js";
import { VaultKeyring } from "../secrets/vault/keyring.js";
import { promptSecret } from "./prompt.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** What commander gives for the vault options (the second name of each is ansible-core's other spelling). */
export interface VaultCliOptions {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  vaultPassFile?: string[];
  askVaultPass?: boolean;
  askVaultPassword?: boolean;
}

/** ansible-playbook's vault options, on a command that reads variables. */
export function addVaultOptions(command: Command): Command {
  return command
    .option("--vault-password-file <file>", "an ansible-vault password file, or an executable printing it (repeatable; ID@FILE for a vault id)", collect)
    .addOption(new Option("--vault-pass-file <file>", "same as --vault-password-file").argParser(collect).hideHelp())
    .option("--vault-id <id@source>", "an ansible-vault id and its password file, script or 'prompt' (repeatable)", collect)
    .option("--ask-vault-pass", "ask for the ansible-vault password (no echo)")
    .addOption(new Option("--ask-vault-password", "same as --ask-vault-pass").hideHelp());
}

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
