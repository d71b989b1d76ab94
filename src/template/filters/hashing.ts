import { createHash, randomInt } from "node:crypto";
import { FilterError } from "../errors.js";
import { md5Crypt, shaCrypt } from "../crypto/crypt.js";
import { int, optionalText, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Digests and password hashes: hash/checksum/md5/sha1 (hex digests of the text's UTF-8 bytes)
// and password_hash in the crypt formats Ansible emits for sha512/sha256/md5.

const HASHLIB_NAMES: Record<string, string> = {
  sha3_224: "sha3-224",
  sha3_256: "sha3-256",
  sha3_384: "sha3-384",
  sha3_512: "sha3-512",
  blake2b: "blake2b512",
  blake2s: "blake2s256",
};

export function hexDigest(algorithm: string, data: string): string {
  const name = HASHLIB_NAMES[algorithm] ?? algorithm;
  try {
    return createHash(name).update(data, "utf8").digest("hex");
  } catch (e) {
    throw new FilterError("hash", `unsupported hash type ${algorithm}`, { cause: e });
  }
}

const SALT_CHARS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomSalt(size: number): string {
  let out = "";
  for (let i = 0; i < size; i++) out += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return out;
}

const ALGORITHMS: Record<string, { crypt: "sha512" | "sha256" | "md5"; saltSize: number }> = {
  sha512: { crypt: "sha512", saltSize: 16 },
  sha512_crypt: { crypt: "sha512", saltSize: 16 },
  sha256: { crypt: "sha256", saltSize: 16 },
  sha256_crypt: { crypt: "sha256", saltSize: 16 },
  md5: { crypt: "md5", saltSize: 8 },
  md5_crypt: { crypt: "md5", saltSize: 8 },
};

export const hashingFilters: FilterTable = {
  hash: defineFilter(["hashtype"], (v, [type]) => hexDigest(optionalText(type, "sha1"), text(v))),
  checksum: defineFilter([], (v) => hexDigest("sha1", text(v))),
  sha1: defineFilter([], (v) => hexDigest("sha1", text(v))),
  md5: defineFilter([], (v) => hexDigest("md5", text(v))),
  password_hash: defineFilter(["hashtype", "salt", "salt_size", "rounds", "ident"], (v, [type, salt, saltSize, rounds]) => {
    const name = optionalText(type, "sha512");
    const algo = ALGORITHMS[name];
    if (algo === undefined) {
      throw new FilterError("password_hash", `${name} is not in the list of supported algorithms: sha512, sha256, md5`);
    }
    const s = salt === undefined || salt === null ? randomSalt(int("password_hash", saltSize, algo.saltSize, "salt_size")) : text(salt);
    if (!/^[./0-9A-Za-z]*$/.test(s)) throw new FilterError("password_hash", "invalid characters in salt");
    if (algo.crypt === "md5") return md5Crypt(text(v), s);
    const r = rounds === undefined || rounds === null ? undefined : int("password_hash", rounds, 5000, "rounds");
    return shaCrypt(algo.crypt, text(v), s, r);
  }),
};
