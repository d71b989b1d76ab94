import { parse } from "yaml";
import { TOKEN_ENV_VARS } from "../digitalocean/token.js";
import type { SecretMasker } from "../secrets/masker.js";

/**
 * The DigitalOcean token in the environment, whether or not an inventory of this run reads it: a
 * run's environment reaches hooks and templates (lookup('env', ...)), and the token is the most
 * powerful credential around. (A token read from a token file is added by the source that reads it.)
 */
export function runSecretsOfEnvironment(secrets: SecretMasker, env: NodeJS.ProcessEnv): void {
  for (const name of TOKEN_ENV_VARS) secrets.add(env[name]?.trim());
}

/**
 * Every string value of a decrypted secrets file is a secret: whoever encrypted the file said so.
 * A file that is not valid YAML is reported by the vars-file reader with a line of it quoted, so
 * then each line, and each line's value after `key:`, is masked instead.
 */
export function secretsOfDecrypted(secrets: SecretMasker, plain: string): void {
  try {
    // Warnings (an unknown tag such as !unsafe) would print the line they are on: a secret.
    secrets.addStrings(parse(plain, { logLevel: "error" }));
  } catch {
    for (const line of plain.split(/\r?\n/)) {
      secrets.add(line.trim());
      const m = /^\s*[^:#]+:\s*(.+?)\s*$/.exec(line);
      if (m) secrets.add(m[1]);
    }
  }
}
