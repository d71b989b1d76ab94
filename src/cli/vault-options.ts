import { type Command, Option } from "commander";

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
