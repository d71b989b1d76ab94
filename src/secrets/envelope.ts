import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { SecretsError } from "./errors.js";

// An encrypted secrets file: one header line, then base64 lines (64 columns, diff-friendly).
//   $DO_CONVERGE_SECRETS;1;AES256-GCM;SCRYPT;N=32768,r=8,p=1
// The payload is salt (16) | iv (12) | tag (16) | ciphertext. The key is scrypt(password, salt);
// the header is the GCM additional data, so the parameters cannot be swapped without notice.

const MAGIC = "$DO_CONVERGE_SECRETS;";
const SALT = 16;
const IV = 12;
const TAG = 16;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 2^15: about 0.1 s and 32 MiB per derivation, OWASP's floor for scrypt. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32768, r: 8, p: 1 };

export function isEncrypted(text: string): boolean {
  return text.startsWith(MAGIC);
}

function header(params: ScryptParams): string {
  return `${MAGIC}1;AES256-GCM;SCRYPT;N=${params.N},r=${params.r},p=${params.p}`;
}

function parseHeader(line: string, file: string): ScryptParams {
  const m = /^\$DO_CONVERGE_SECRETS;1;AES256-GCM;SCRYPT;N=(\d+),r=(\d+),p=(\d+)$/.exec(line);
  if (!m) throw new SecretsError(file, `not an encrypted secrets file this version can read (header ${JSON.stringify(line.slice(0, 60))})`);
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a hostile header from asking for gigabytes of memory.
  if (params.N < 1024 || params.N > 2 ** 20 || (params.N & (params.N - 1)) !== 0 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) {
    throw new SecretsError(file, `scrypt parameters out of range in the header: ${line.slice(MAGIC.length)}`);
  }
  return params;
}

/** scrypt as a promise, with room for the memory N and r ask for (Node's default cap is 32 MiB). */
export function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** The envelope's parts, for callers that cache keys by salt. */
export function openEnvelope(text: string, file: string): { params: ScryptParams; salt: Buffer; iv: Buffer; tag: Buffer; data: Buffer; aad: string } {
  const [first = "", ...rest] = text.split("\n");
  const params = parseHeader(first.trim(), file);
  const payload = Buffer.from(rest.join("").replace(/\s+/g, ""), "base64");
  if (payload.length < SALT + IV + TAG) throw new SecretsError(file, "the encrypted payload is truncated");
  return {
    params,
    salt: payload.subarray(0, SALT),
    iv: payload.subarray(SALT, SALT + IV),
    tag: payload.subarray(SALT + IV, SALT + IV + TAG),
    data: payload.subarray(SALT + IV + TAG),
    aad: first.trim(),
  };
}

export function decryptWithKey(env: ReturnType<typeof openEnvelope>, key: Buffer, file: string): string {
  const d = createDecipheriv("aes-256-gcm", key, env.iv);
  d.setAAD(Buffer.from(env.aad));
  d.setAuthTag(env.tag);
  try {
    return Buffer.concat([d.update(env.data), d.final()]).toString("utf8");
  } catch {
    throw new SecretsError(file, "cannot decrypt: wrong password, or the file was altered");
  }
}

export async function decryptText(text: string, password: string, file: string): Promise<string> {
  const env = openEnvelope(text, file);
  return decryptWithKey(env, await deriveKey(password, env.salt, env.params), file);
}

/** A fresh salt and IV every time: encrypting the same text twice gives different files. */
export async function encryptText(plaintext: string, password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT);
  const iv = randomBytes(IV);
  const key = await deriveKey(password, salt, params);
  const head = header(params);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(head));
  const data = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  const b64 = Buffer.concat([salt, iv, c.getAuthTag(), data]).toString("base64");
  return `${head}\n${b64.match(/.{1,64}/g)?.join("\n") ?? ""}\n`;
}
