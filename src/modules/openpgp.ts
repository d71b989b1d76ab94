import { createHash } from "node:crypto";
import { ModuleError } from "./contract.js";

// Just enough OpenPGP (RFC 4880 / 9580) to manage apt keyrings without gpg on the host: ASCII
// armor in and out, the packet framing, and the fingerprints of the keys a keyring holds. Pure:
// unit-tested.

const BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END = "-----END PGP PUBLIC KEY BLOCK-----";
const TAG_PUBLIC_KEY = 6;
const TAG_PUBLIC_SUBKEY = 14;

export class OpenPgpError extends ModuleError {
  override name = "OpenPgpError";
}

export function isArmored(data: Buffer): boolean {
  return data.subarray(0, 65536).toString("latin1").includes(BEGIN);
}

/** The binary packets of every armored public key block in the text, one after another. */
export function dearmor(text: string): Buffer {
  const out: Buffer[] = [];
  const lines = text.replace(/\r/g, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== BEGIN) continue;
    // Armor headers ("Comment: ...") end at the first empty line.
    while (i < lines.length && (lines[i] ?? "").trim() !== "") i++;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const l = (lines[i] ?? "").trim();
      if (l === END || l.startsWith("=")) break;
      body.push(l);
    }
    if (i >= lines.length) throw new OpenPgpError("an ASCII-armored key block without its END line");
    out.push(Buffer.from(body.join(""), "base64"));
    while (i < lines.length && (lines[i] ?? "").trim() !== END) i++;
  }
  if (out.length === 0) throw new OpenPgpError("no PGP PUBLIC KEY BLOCK in the armored text");
  return Buffer.concat(out);
}

function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** Binary packets as one ASCII-armored public key block (with its CRC-24 line). */
export function armor(data: Buffer): string {
  const b64 = data.toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  const crc = Buffer.from([(crc24(data) >> 16) & 0xff, (crc24(data) >> 8) & 0xff, crc24(data) & 0xff]).toString("base64");
  return `${BEGIN}\n\n${lines.join("\n")}\n=${crc}\n${END}\n`;
}

interface Packet {
  tag: number;
  start: number;
  bodyStart: number;
  end: number;
}

function packets(data: Buffer): Packet[] {
  const out: Packet[] = [];
  let p = 0;
  while (p < data.length) {
    const start = p;
    const h = data[p++] ?? 0;
    if ((h & 0x80) === 0) throw new OpenPgpError(`not an OpenPGP packet at byte ${start}`);
    let tag: number;
    let len: number;
    if (h & 0x40) {
      tag = h & 0x3f;
      const o1 = data[p++] ?? 0;
      if (o1 < 192) len = o1;
      else if (o1 < 224) len = ((o1 - 192) << 8) + (data[p++] ?? 0) + 192;
      else if (o1 === 255) {
        len = data.readUInt32BE(p);
        p += 4;
      } else throw new OpenPgpError("a partial-length packet: not a keyring");
    } else {
      tag = (h >> 2) & 0x0f;
      const t = h & 3;
      if (t === 0) len = data[p++] ?? 0;
      else if (t === 1) {
        len = data.readUInt16BE(p);
        p += 2;
      } else if (t === 2) {
        len = data.readUInt32BE(p);
        p += 4;
      } else len = data.length - p;
    }
    if (p + len > data.length) throw new OpenPgpError("a truncated OpenPGP packet");
    out.push({ tag, start, bodyStart: p, end: p + len });
    p += len;
  }
  return out;
}

/** A key's fingerprint in upper-case hex: v4 SHA-1, v5 and v6 SHA-256 (RFC 9580 5.5.4). */
function fingerprint(body: Buffer): string {
  const version = body[0];
  if (version === 4) {
    const head = Buffer.from([0x99, (body.length >> 8) & 0xff, body.length & 0xff]);
    return createHash("sha1").update(head).update(body).digest("hex").toUpperCase();
  }
  if (version === 5 || version === 6) {
    const head = Buffer.alloc(5);
    head[0] = version === 5 ? 0x9a : 0x9b;
    head.writeUInt32BE(body.length, 1);
    return createHash("sha256").update(head).update(body).digest("hex").toUpperCase();
  }
  throw new OpenPgpError(`an OpenPGP key of version ${version ?? "?"}: only versions 4 to 6 are known`);
}

/** One transferable public key: its packets (the key, user ids, signatures, subkeys). */
export interface PublicKey {
  fingerprint: string;
  subkeys: string[];
  /** The key's packets, binary, as they were. */
  bytes: Buffer;
}

/** The public keys of a keyring (armored or binary). A secret key, or something else, is refused. */
export function readKeys(data: Buffer): PublicKey[] {
  const text = data.subarray(0, 65536).toString("latin1");
  if (text.includes("-----BEGIN PGP PRIVATE KEY BLOCK-----")) throw new OpenPgpError("this is a private key: apt needs only the public key");
  const bin = isArmored(data) ? dearmor(data.toString("utf8")) : data;
  const keys: PublicKey[] = [];
  let cur: { fingerprint: string; subkeys: string[]; start: number } | undefined;
  const ps = packets(bin);
  for (const pk of ps) {
    if (pk.tag === TAG_PUBLIC_KEY) {
      if (cur) keys.push({ ...cur, bytes: bin.subarray(cur.start, pk.start) });
      cur = { fingerprint: fingerprint(bin.subarray(pk.bodyStart, pk.end)), subkeys: [], start: pk.start };
    } else if (!cur) throw new OpenPgpError("not an OpenPGP public key (neither ASCII-armored nor a binary keyring)");
    else if (pk.tag === TAG_PUBLIC_SUBKEY) cur.subkeys.push(fingerprint(bin.subarray(pk.bodyStart, pk.end)));
  }
  if (cur) keys.push({ ...cur, bytes: bin.subarray(cur.start) });
  if (keys.length === 0) throw new OpenPgpError("not an OpenPGP public key (neither ASCII-armored nor a binary keyring)");
  return keys;
}

/** Ansible's key id: 8, 16 or more hex digits, an optional 0x; upper case without the 0x. */
export function normalizeKeyId(id: string): string {
  return id.replace(/^0x/i, "").toUpperCase();
}

/**
 * Whether a fingerprint is the one a key id names: the whole fingerprint, or its key id (v4: the
 * last 16 hex digits, v5/v6: the first 16) or short id (the key id's last 8).
 */
export function idMatches(fpr: string, id: string): boolean {
  const want = normalizeKeyId(id);
  if (want === fpr) return true;
  const keyId = fpr.length === 40 ? fpr.slice(-16) : fpr.slice(0, 16);
  return want.length === 16 ? keyId === want : want.length === 8 ? keyId.slice(-8) === want : false;
}

/** The key holds the id as its own fingerprint or one of its subkeys'. */
export function keyMatches(key: PublicKey, id: string): boolean {
  return idMatches(key.fingerprint, id) || key.subkeys.some((s) => idMatches(s, id));
}
