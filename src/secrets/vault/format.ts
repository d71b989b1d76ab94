import { createDecipheriv, createHmac, pbkdf2, timingSafeEqual } from "node:crypto";
import { VaultError } from "./errors.js";

// ansible-vault's AES256 format, as ansible-core writes it (format 1.1, and 1.2 with a vault id):
//   $ANSIBLE_VAULT;1.1;AES256            or   $ANSIBLE_VAULT;1.2;AES256;<vault id>
//   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines of 80 characters
// Keys: PBKDF2-HMAC-SHA256(password, salt, 10000 iterations) gives 80 bytes: the AES-256 key,
// the HMAC-SHA256 key and the 16-byte AES-CTR counter block. The HMAC covers the ciphertext only
// (the header, vault id included, is not authenticated: it only picks which password to try first).

/** What ansible-core's is_encrypted looks for at the start of a file or a `!vault` value. */
export const VAULT_MAGIC = "$ANSIBLE_VAULT";

const ITERATIONS = 10000;
const KEY = 32;
const IV = 16;
const HMAC = 32;
const BLOCK = 16;

export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_MAGIC);
}

/** One parsed piece of vault data; `vaultId` only when the header (1.2) names one. */
export interface VaultBlob {
  readonly version: string;
  readonly vaultId: string | undefined;
  readonly salt: Buffer;
  readonly hmac: Buffer;
  readonly ciphertext: Buffer;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function unhex(text: string, what: string, where: string, vaultId: string | undefined): Buffer {
  if (!HEX.test(text)) {
    const bad = /[^0-9a-fA-F]/.exec(text);
    const why = bad === null ? "an odd number of hex digits (truncated?)" : `a character that is not a hex digit (${JSON.stringify(bad[0])})`;
    throw new VaultError(where, `not valid ansible-vault data: the ${what} has ${why}`, vaultId);
  }
  return Buffer.from(text, "hex");
}

/** The header and payload of vault data, checked for shape (not yet for the password). */
export function parseVaultText(text: string, where: string): VaultBlob {
  const [first = "", ...rest] = text.split(/\r?\n/);
  const header = first.trim().split(";").map((p) => p.trim());
  const [magic, version, cipher, id] = header;
  const vaultId = id === undefined || id === "" ? undefined : id;
  const shape = `the header must be ${VAULT_MAGIC};1.1;AES256 or ${VAULT_MAGIC};1.2;AES256;ID, found ${JSON.stringify(first.trim().slice(0, 80))}`;
  if (magic !== VAULT_MAGIC || header.length < 3 || header.length > 4) throw new VaultError(where, `not valid ansible-vault data: ${shape}`, vaultId);
  if (version !== "1.1" && version !== "1.2") throw new VaultError(where, `ansible-vault format version ${JSON.stringify(version)} is not supported (1.1 and 1.2 are): ${shape}`, vaultId);
  if (cipher !== "AES256") throw new VaultError(where, `ansible-vault cipher ${JSON.stringify(cipher)} is not supported (only AES256, the one ansible-vault writes)`, vaultId);
  // ansible-core joins the lines after the header as they are (a line with a space is not hex).
  const outer = unhex(rest.join("").replace(/\s+$/, ""), "payload", where, vaultId).toString("latin1");
  const parts = outer.split("\n");
  if (parts.length < 3) throw new VaultError(where, "not valid ansible-vault data: the payload is truncated (it needs a salt, an HMAC and the ciphertext)", vaultId);
  const [salt = "", hmac = "", ...data] = parts;
  const blob = {
    version,
    vaultId,
    salt: unhex(salt, "salt", where, vaultId),
    hmac: unhex(hmac, "HMAC", where, vaultId),
    ciphertext: unhex(data.join("\n"), "ciphertext", where, vaultId),
  };
  if (blob.salt.length === 0) throw new VaultError(where, "not valid ansible-vault data: the salt is empty", vaultId);
  if (blob.ciphertext.length === 0 || blob.ciphertext.length % BLOCK !== 0) {
    throw new VaultError(where, `not valid ansible-vault data: the ciphertext is ${blob.ciphertext.length} bytes, not a whole number of AES blocks (truncated?)`, vaultId);
  }
  return blob;
}

function deriveKeys(password: Buffer, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(password, salt, ITERATIONS, 2 * KEY + IV, "sha256", (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * The plaintext bytes, or undefined when this password does not open the data: the HMAC does not
 * match (a wrong password, or a changed byte; the two cannot be told apart). Compared in constant
 * time, so how much of a forged HMAC matched is not measurable.
 */
export async function openVaultBlob(blob: VaultBlob, password: Buffer, where: string): Promise<Buffer | undefined> {
  const keys = await deriveKeys(password, blob.salt);
  const cipherKey = keys.subarray(0, KEY);
  const hmacKey = keys.subarray(KEY, 2 * KEY);
  const iv = keys.subarray(2 * KEY);
  const mac = createHmac("sha256", hmacKey).update(blob.ciphertext).digest();
  if (blob.hmac.length !== HMAC || !timingSafeEqual(mac, blob.hmac)) return undefined;
  const d = createDecipheriv("aes-256-ctr", cipherKey, iv);
  const padded = Buffer.concat([d.update(blob.ciphertext), d.final()]);
  // PKCS#7: an authentic payload always has valid padding; bad padding means a broken writer.
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > BLOCK || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultError(where, "the ansible-vault data decrypts, but its padding is invalid: it was not written by ansible-vault", blob.vaultId);
  }
  return padded.subarray(0, padded.length - pad);
}
