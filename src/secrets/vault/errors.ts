import { SecretsError } from "../errors.js";

/**
 * ansible-vault data that cannot be used: a bad header or payload, no password that opens it, a
 * password source that fails. `where` names the file, or `file:line:col: key` of an inline
 * `!vault` value; `vaultId` is the id the data's header names (1.2), when it names one.
 */
export class VaultError extends SecretsError {
  override name = "VaultError";
  constructor(
    readonly where: string,
    message: string,
    readonly vaultId?: string,
  ) {
    super(where, message);
  }
}
