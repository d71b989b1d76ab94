import { createHash } from "node:crypto";

// The crypt(3) password hashes Ansible's password_hash produces: SHA-512-crypt ($6$),
// SHA-256-crypt ($5$) — Ulrich Drepper's specification — and MD5-crypt ($1$). Ansible passes
// rounds=5000 as passlib's implicit default, which then does not appear in the output, exactly
// like glibc's crypt("$6$salt$").

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = "";
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length] ?? 0;
  return out;
}

const SHA512_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const SHA256_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26],
  [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;

export function shaCrypt(algorithm: "sha256" | "sha512", password: string, saltIn: string, rounds?: number): string {
  const hash = (...parts: Buffer[]): Buffer => {
    const h = createHash(algorithm);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const p = Buffer.from(password, "utf8");
  const salt = saltIn.slice(0, 16);
  const s = Buffer.from(salt, "utf8");
  const r = rounds === undefined ? SHA_CRYPT_DEFAULT_ROUNDS : Math.min(999_999_999, Math.max(1000, rounds));
  const len = algorithm === "sha512" ? 64 : 32;

  const b = hash(p, s, p);
  const aParts: Buffer[] = [p, s];
  let n = p.length;
  for (; n > len; n -= len) aParts.push(b);
  aParts.push(b.subarray(0, n));
  for (let i = p.length; i > 0; i >>= 1) aParts.push(i & 1 ? b : p);
  const a = hash(...aParts);

  const dp = hash(...Array<Buffer>(p.length).fill(p));
  const pBytes = repeatTo(dp, p.length);
  const ds = hash(...Array<Buffer>(16 + (a[0] ?? 0)).fill(s));
  const sBytes = repeatTo(ds, s.length);

  let c = a;
  for (let i = 0; i < r; i++) {
    const parts: Buffer[] = [i & 1 ? pBytes : c];
    if (i % 3 !== 0) parts.push(sBytes);
    if (i % 7 !== 0) parts.push(pBytes);
    parts.push(i & 1 ? c : pBytes);
    c = hash(...parts);
  }

  let encoded = "";
  const order = algorithm === "sha512" ? SHA512_ORDER : SHA256_ORDER;
  for (const [x, y, z] of order) encoded += b64From24(c[x] ?? 0, c[y] ?? 0, c[z] ?? 0, 4);
  encoded += algorithm === "sha512" ? b64From24(0, 0, c[63] ?? 0, 2) : b64From24(0, c[31] ?? 0, c[30] ?? 0, 3);

  const id = algorithm === "sha512" ? "6" : "5";
  const roundsPart = rounds !== undefined && r !== SHA_CRYPT_DEFAULT_ROUNDS ? `rounds=${r}$` : "";
  return `$${id}$${roundsPart}${salt}$${encoded}`;
}

export function md5Crypt(password: string, saltIn: string): string {
  const md5 = (...parts: Buffer[]): Buffer => {
    const h = createHash("md5");
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const magic = Buffer.from("$1$");
  const p = Buffer.from(password, "utf8");
  const salt = saltIn.slice(0, 8);
  const s = Buffer.from(salt, "utf8");
  let fin = md5(p, s, p);
  const parts: Buffer[] = [p, magic, s];
  for (let pl = p.length; pl > 0; pl -= 16) parts.push(fin.subarray(0, Math.min(pl, 16)));
  for (let i = p.length; i > 0; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : p.subarray(0, 1));
  fin = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? p : fin];
    if (i % 3 !== 0) round.push(s);
    if (i % 7 !== 0) round.push(p);
    round.push(i & 1 ? fin : p);
    fin = md5(...round);
  }
  const f = (i: number): number => fin[i] ?? 0;
  const encoded =
    b64From24(f(0), f(6), f(12), 4) +
    b64From24(f(1), f(7), f(13), 4) +
    b64From24(f(2), f(8), f(14), 4) +
    b64From24(f(3), f(9), f(15), 4) +
    b64From24(f(4), f(10), f(5), 4) +
    b64From24(0, 0, f(11), 2);
  return `$1$${salt}$${encoded}`;
}
