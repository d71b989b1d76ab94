import { PASSWORD_FILE_ENV, SecretsKeyring } from "../secrets/keyring.js";
import type { InitIo } from "./ask.js";
import { InitError } from "./errors.js";

/** A mistyped password would lock the operator out of their own secrets: typed twice, up to this many times. */
const TRIES = 3;

/**
 * The keyring that encrypts the new secrets file: --password-file, else DO_CONVERGE_PASSWORD_FILE
 * (both read when the file is encrypted, before anything is written), else the password typed
 * twice on the terminal; without a terminal, an error naming --password-file.
 */
export async function initKeyring(passwordFile: string | undefined, env: NodeJS.ProcessEnv, io: InitIo): Promise<SecretsKeyring> {
  if (passwordFile !== undefined || env[PASSWORD_FILE_ENV]) return new SecretsKeyring({ passwordFile, env });
  if (!io.interactive) {
    throw new InitError(`the secrets file is encrypted with a password: give --password-file FILE or set ${PASSWORD_FILE_ENV}`, "--password-file");
  }
  for (let i = 0; i < TRIES; i++) {
    const first = await io.secret("Password for the encrypted secrets file (not shown): ", "--password-file");
    if (first === "") {
      io.say("  the password must not be empty");
      continue;
    }
    const again = await io.secret("The same password again: ", "--password-file");
    if (again === first) return new SecretsKeyring({ prompt: () => Promise.resolve(first) });
    io.say("  the two passwords differ; again");
  }
  throw new InitError(`no password after ${TRIES} tries: nothing was written`, "--password-file");
}
