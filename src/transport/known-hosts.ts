import { createHash, createHmac, randomBytes } from "node:crypto";
import { appendFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirectories } from "../control-node/make-directories.js";
import { UnchangedFileCache } from "../control-node/unchanged-file-cache.js";

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: "@revoked" | "@cert-authority";
  /** Host patterns, or one hashed name (|1|salt|hash). */
  names: string[];
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { kind: "match"; entry: KnownHostEntry }
  | { kind: "unknown" }
  | { kind: "changed"; entry: KnownHostEntry }
  | { kind: "revoked"; entry: KnownHostEntry };

/** SHA256 fingerprint of a key blob, exactly as OpenSSH prints it. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type written at the start of an SSH public key blob (uint32 length + name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "";
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString("latin1");
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@revoked" || fields[0] === "@cert-authority") marker = fields.shift() as KnownHostEntry["marker"];
    const [names, keyType, b64] = fields;
    if (!names || !keyType || !b64) return;
    out.push({ file, line: i + 1, ...(marker ? { marker } : {}), names: names.split(","), keyType, key: Buffer.from(b64, "base64") });
  });
  return out;
}

/** The name OpenSSH looks up: plain for port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

// Every host is looked up against every line of the file, so a pattern's RegExp is built once.
const globs = new Map<string, RegExp>();

function globMatches(glob: string, name: string): boolean {
  if (!glob.includes("*") && !glob.includes("?")) return glob.toLowerCase() === name.toLowerCase();
  let re = globs.get(glob);
  if (re === undefined) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "i");
    globs.set(glob, re);
  }
  return re.test(name);
}

/** Does an entry's name list match? Hashed names, globs and `!negation` as in sshd(8). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let matched = false;
  for (const pattern of entry.names) {
    if (pattern.startsWith("|1|")) {
      const [, , salt, hash] = pattern.split("|");
      if (!salt || !hash) continue;
      // ssh lowercases the host name before hashing or looking it up (and ssh-keygen -H too).
      const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name.toLowerCase()).digest("base64");
      if (mac === hash) matched = true;
      continue;
    }
    const negated = pattern.startsWith("!");
    if (globMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

const parsedFiles = new UnchangedFileCache((content, file) => parseKnownHosts(content.toString("utf8"), file));

export class KnownHosts {
  private constructor(readonly entries: KnownHostEntry[]) {}

  /**
   * Each connection loads the files afresh (another run, or this one's trust on first use, may
   * have added a line), but a file whose size and mtime are unchanged is not parsed again: at
   * 100 hosts that was 100 parses of the same file.
   */
  static load(files: readonly string[]): KnownHosts {
    const entries: KnownHostEntry[] = [];
    for (const f of files) {
      const st = statSync(f, { throwIfNoEntry: false });
      if (st !== undefined) entries.push(...parsedFiles.get(f, st));
    }
    return new KnownHosts(entries);
  }

  /** Key types recorded for these names, so negotiation can prefer them as OpenSSH does. */
  knownTypes(names: readonly string[]): string[] {
    const types = this.entries.filter((e) => !e.marker && names.some((n) => entryMatches(e, n))).map((e) => e.keyType);
    return [...new Set(types)];
  }

  /**
   * Verdict for a presented key under any of `names` (the address connected to, and the
   * inventory name). A key of a type with no entry counts as unknown, not changed, as in OpenSSH.
   */
  verify(names: readonly string[], key: Buffer): HostKeyVerdict {
    const mine = this.entries.filter((e) => names.some((n) => entryMatches(e, n)));
    const revoked = mine.find((e) => e.marker === "@revoked" && e.key.equals(key));
    if (revoked) return { kind: "revoked", entry: revoked };
    const plain = mine.filter((e) => !e.marker);
    const same = plain.find((e) => e.key.equals(key));
    if (same) return { kind: "match", entry: same };
    const type = keyTypeOf(key);
    const changed = plain.find((e) => e.keyType === type);
    if (changed) return { kind: "changed", entry: changed };
    return { kind: "unknown" };
  }

  /** Trust on first use: appends a hashed entry, as `HashKnownHosts yes` would write it. */
  record(file: string, name: string, key: Buffer): void {
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update(name.toLowerCase()).digest("base64");
    const hashedName = `|1|${salt.toString("base64")}|${hash}`;
    makeDirectories(dirname(file), 0o700);
    // One write of one whole line with O_APPEND: concurrent recorders never interleave lines.
    appendFileSync(file, `${hashedName} ${keyTypeOf(key)} ${key.toString("base64")}\n`, { mode: 0o600 });
    this.entries.push({ file, line: 0, names: [hashedName], keyType: keyTypeOf(key), key });
  }
}
