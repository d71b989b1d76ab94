import { readFile } from "node:fs/promises";
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

async function readPasswordFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new SecretsError(file, `cannot read the password file: ${err instanceof Error ? err.message : String(err)}`);
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
