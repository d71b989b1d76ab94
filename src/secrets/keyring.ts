import type { Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { SecretsError } from "./errors.js";
import { type ScryptParams, decryptWithKey, deriveKey, encryptText, openEnvelope } from "./envelope.js";

/** Where the password of encrypted secrets files comes from, in this order. */
export interface PasswordOptions {
  /** --password-file FILE */
  passwordFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Asks on the terminal; absent for timers and hooks, which must never wait for a person. */
  prompt?: ((question: string) => Promise<string>) | undefined;
}

export const PASSWORD_FILE_ENV = "DO_CONVERGE_PASSWORD_FILE";

/**
 * A password file that group or others can read (or write) is refused, as ssh refuses such a
 * private key: the password opens every secret of the site. Only a regular file is judged: a pipe
 * or a terminal (`--password-file <(pass show site)`, /dev/stdin) holds nothing at rest.
 */
export function checkPasswordFileMode(file: string, stats: Pick<Stats, "mode" | "isFile">): void {
  if (!stats.isFile() || (stats.mode & 0o077) === 0) return;
  const octal = (stats.mode & 0o777).toString(8).padStart(4, "0");
  throw new SecretsError(file, `the password file is accessible by group or others (mode ${octal}); refusing to use it: run chmod 600 ${file}`);
}

async function readPasswordFile(file: string): Promise<string> {
  let text: string;
  let handle: FileHandle | undefined;
  try {
    // The mode is judged on the very file read, not on what the name pointed to a moment before.
    handle = await open(file, "r");
    checkPasswordFileMode(file, await handle.stat());
    text = await handle.readFile("utf8");
  } catch (err) {
    if (err instanceof SecretsError) throw err;
    throw new SecretsError(file, `cannot read the password file: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await handle?.close();
  }
  // One trailing newline is the editor's, not the password's.
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new SecretsError(file, "the password file is empty");
  return password;
}

/**
 * Decrypts (and encrypts) secrets files with one password, asked for at most once and only when
 * an encrypted file is met; derived keys are cached per salt, so many files cost one scrypt each.
 */
export class SecretsKeyring {
  private password: Promise<string> | undefined;
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(private readonly options: PasswordOptions = {}) {}

  /** The password's source, described for messages (never the password). */
  private source(): { what: string; read: () => Promise<string> } | undefined {
    const file = this.options.passwordFile ?? this.options.env?.[PASSWORD_FILE_ENV];
    if (file) return { what: file, read: () => readPasswordFile(file) };
    const prompt = this.options.prompt;
    if (prompt) return { what: "the terminal", read: () => prompt("Secrets password: ") };
    return undefined;
  }

  private getPassword(file: string): Promise<string> {
    if (this.password === undefined) {
      const src = this.source();
      if (src === undefined) {
        return Promise.reject(new SecretsError(file, `is encrypted: give --password-file FILE or set ${PASSWORD_FILE_ENV}`));
      }
      this.password = src.read();
    }
    return this.password;
  }

  /** Plain text of an encrypted file's content; a wrong password names the file. */
  async decrypt(text: string, file: string): Promise<string> {
    const env = openEnvelope(text, file);
    const cacheKey = `${env.salt.toString("hex")}:${env.params.N}:${env.params.r}:${env.params.p}`;
    let key = this.keys.get(cacheKey);
    if (key === undefined) {
      const password = await this.getPassword(file);
      key = deriveKey(password, env.salt, env.params);
      this.keys.set(cacheKey, key);
    }
    return decryptWithKey(env, await key, file);
  }

  async encrypt(plaintext: string, file: string, params?: ScryptParams): Promise<string> {
    return encryptText(plaintext, await this.getPassword(file), params);
  }

  /** True when a password can be had without asking anyone (a file or the environment). */
  get hasPasswordFile(): boolean {
    return Boolean(this.options.passwordFile ?? this.options.env?.[PASSWORD_FILE_ENV]);
  }
}
