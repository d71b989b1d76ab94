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
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) throw new SecretsError(file, `the header's scrypt parameters (N=${m[1]},r=${m[2]},p=${m[3]}) ${problem}`);
  return params;
}

/**
 * What a header may ask of the key derivation. The file is read before its password is known to
 * be right, so a hostile or corrupted header must not get gigabytes of memory (N=2^20, r=32 is
 * 4 GiB) or minutes of CPU from every run. scrypt takes 128·N·r bytes, and time in N·r·p;
 * DEFAULT_SCRYPT, which every file do-converge writes uses, is 32 MiB and 2^18.
 */
export const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
const workOf = (params: ScryptParams) => params.N * params.r * params.p;
/** 16 times DEFAULT_SCRYPT's work: a couple of seconds. */
const SCRYPT_MAX_WORK_FACTOR = 16;

/** Why scrypt parameters are refused (undefined: accepted); see SCRYPT_MAX_MEMORY. */
export function scryptParamsProblem(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  if (!Number.isSafeInteger(N) || N < 1024 || (N & (N - 1)) !== 0) return "are out of range: N must be a power of two from 1024";
  if (!Number.isSafeInteger(r) || r < 1 || !Number.isSafeInteger(p) || p < 1) return "are out of range: r and p must be at least 1";
  const memory = 128 * N * r;
  if (memory > SCRYPT_MAX_MEMORY) {
    return `ask for ${Math.round(memory / 2 ** 20)} MiB per key derivation, above the ${SCRYPT_MAX_MEMORY / 2 ** 20} MiB do-converge accepts (its own files use ${(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r) / 2 ** 20} MiB)`;
  }
  const factor = workOf(params) / workOf(DEFAULT_SCRYPT);
  if (factor > SCRYPT_MAX_WORK_FACTOR) return `ask for ${factor} times the work of do-converge's own files, above the ${SCRYPT_MAX_WORK_FACTOR} times it accepts`;
  return undefined;
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
  // Never write a file that this version would refuse to read.
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) throw new RangeError(`scrypt parameters N=${params.N},r=${params.r},p=${params.p} ${problem}`);
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
