import { PASSWORD_FILE_ENV, SecretsKeyring } from "../secrets/keyring.js";
import { promptSecret } from "./prompt.js";

/**
 * The keyring of a CLI command: --password-file, else DO_CONVERGE_PASSWORD_FILE, else the
 * terminal (asked once, only if an encrypted file is met; never without a terminal).
 */
export function cliKeyring(passwordFile: string | undefined): SecretsKeyring {
  return new SecretsKeyring({
    passwordFile,
    env: process.env,
    ...(process.stdin.isTTY ? { prompt: (q: string) => promptSecret(q, `give --password-file FILE or set ${PASSWORD_FILE_ENV}`) } : {}),
  });
}
