import { isUtf8 } from "node:buffer";
import { VaultError } from "./errors.js";
import { type VaultBlob, openVaultBlob, parseVaultText } from "./format.js";
import type { VaultConfig } from "./identities.js";
import { type VaultSecret, loadVaultPassword } from "./passwords.js";

const HINT = "give --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass, or set ANSIBLE_VAULT_PASSWORD_FILE";

/**
 * Opens ansible-vault data with the command's vault passwords. They are loaded together, once,
 * when the first vault data is met (no script runs and nothing is asked when there is none), in
 * ansible-core's order, each password file able to be vault data opened by those before it.
 */
export class VaultKeyring {
  private secrets: Promise<VaultSecret[]> | undefined;

  constructor(
    private readonly config: VaultConfig,
    private readonly prompt: (question: string) => Promise<string>,
  ) {}

  /** True when some vault password was given (whether or not it has been loaded). */
  get configured(): boolean {
    return this.config.identities.length > 0;
  }

  private load(): Promise<VaultSecret[]> {
    this.secrets ??= (async () => {
      const loaded: VaultSecret[] = [];
      for (const identity of this.config.identities) {
        const password = await loadVaultPassword(identity, {
          prompt: this.prompt,
          decryptEarlier: (text, where) => {
            const blob = parseVaultText(text, where);
            if (loaded.length === 0) throw new VaultError(where, "the vault password file is itself encrypted with ansible-vault: give the password that opens it first (an earlier --vault-id)", blob.vaultId);
            return this.open(blob, where, loaded);
          },
        });
        loaded.push({ identity, password });
      }
      return loaded;
    })();
    return this.secrets;
  }

  /** The plaintext of vault data (a whole file's content, or an inline value); `where` names it in errors. */
  async decrypt(text: string, where: string): Promise<Buffer> {
    // The header and payload are checked first: a damaged file is told as such, not as a password problem.
    const blob = parseVaultText(text, where);
    if (!this.configured) {
      const id = blob.vaultId;
      throw new VaultError(where, `is encrypted with ansible-vault${id === undefined ? "" : ` (vault id '${id}')`}: ${HINT}`, id);
    }
    return this.open(blob, where, await this.load());
  }

  /** decrypt, as text: ansible-core reads vault plaintext as UTF-8. */
  async decryptText(text: string, where: string): Promise<string> {
    const plain = await this.decrypt(text, where);
    // Which byte is wrong is not told: it is a byte of the plaintext.
    if (!isUtf8(plain)) throw new VaultError(where, "decrypts, but its plaintext is not UTF-8 text", parseVaultText(text, where).vaultId);
    return plain.toString("utf8");
  }

  /**
   * Tries the passwords of the data's vault id first (the default id for 1.1 data), then, unless
   * ANSIBLE_VAULT_ID_MATCH, the others in order: the result is ansible-core's, which tries them
   * all, since only the right password gets past the HMAC.
   */
  private async open(blob: VaultBlob, where: string, secrets: readonly VaultSecret[]): Promise<Buffer> {
    const id = blob.vaultId ?? this.config.defaultId;
    const matching = secrets.filter((s) => s.identity.id === id);
    const candidates = this.config.idMatch && blob.vaultId !== undefined ? matching : [...matching, ...secrets.filter((s) => s.identity.id !== id)];
    for (const s of candidates) {
      const plain = await openVaultBlob(blob, s.password, where);
      if (plain !== undefined) return plain;
    }
    const named = blob.vaultId === undefined ? "" : ` (vault id '${blob.vaultId}')`;
    if (candidates.length === 0) {
      const known = [...new Set(secrets.map((s) => s.identity.id))].join(", ");
      throw new VaultError(where, `is encrypted with ansible-vault${named}, and ANSIBLE_VAULT_ID_MATCH allows only that id's passwords: none was given (ids given: ${known || "none"})`, blob.vaultId);
    }
    const tried = candidates.map((s) => `${s.identity.id} (${s.identity.given})`).join(", ");
    throw new VaultError(where, `cannot decrypt the ansible-vault data${named} with the vault password${candidates.length === 1 ? "" : "s"} of ${tried}: a wrong password, or the data was altered`, blob.vaultId);
  }
}
