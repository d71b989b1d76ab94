import { REDACTED } from "../secrets/redact.js";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

// Pure parts of talking to PostgreSQL through `psql`: identifiers, literals and connection
// strings quoted so that no value can change a statement's meaning, the one-JSON-value-per-line
// output our probes produce, psql's error lines, and password hashes (md5 and SCRAM-SHA-256)
// computed and verified here so that a password's plain text never travels to the server.

/** A value that cannot go into SQL or a conninfo string at all (PostgreSQL text has no NUL). */
export class PgValueError extends Error {
  override name = "PgValueError";
}

function noNul(s: string, what: string): string {
  if (s.includes("\0")) throw new PgValueError(`${what} contains a NUL character`);
  return s;
}

/** A double-quoted identifier: a name is never folded to lower case nor read as a keyword. */
export function pgIdent(s: string): string {
  return `"${noNul(s, "an identifier").replace(/"/g, '""')}"`;
}

/**
 * A string literal in the E'' form: its escapes mean the same whatever the server's
 * standard_conforming_strings says, so a backslash in a value can never end the literal early.
 */
export function pgString(s: string): string {
  return `E'${noNul(s, "a string").replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A libpq connection-string value: single-quoted, with ' and \ escaped (libpq's own rule). */
export function conninfoValue(s: string): string {
  return `'${noNul(s, "a connection parameter").replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A libpq connection string from key/value pairs, undefined values left out. */
export function conninfo(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${conninfoValue(String(v))}`)
    .join(" ");
}

/**
 * The values our probes print, one per line: each probe query selects one json value, and
 * json text never holds a raw newline, so lines map back to queries exactly.
 */
export function parseJsonLines(stdout: string): unknown[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

/**
 * psql's error in its stderr: "psql:<stdin>:3: ERROR:  role "x" does not exist" becomes
 * "ERROR:  role "x" does not exist"; connection failures ("psql: error: connection to server
 * ... failed: ...") are kept whole. Notices and warnings before the error are dropped.
 */
export function parsePsqlError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.replace(/^psql:[^:]*:\d+: /, "").trimEnd());
  const first = lines.findIndex((l) => /^(ERROR|FATAL|PANIC):|^psql: error:/.test(l));
  if (first < 0) return lines.filter((l) => l !== "").slice(-3).join(" | ") || "psql failed without a message";
  return lines
    .slice(first)
    .filter((l) => l !== "" && !/^(NOTICE|WARNING|LINE \d+|\s*\^)/.test(l))
    .join(" | ");
}

/** Replaces every occurrence of each secret (and its quoted form) with "********". */
export function redactPg(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (const form of new Set([s, pgString(s).slice(2, -1), s.replace(/'/g, "''")])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** PostgreSQL's md5 password form: "md5" + md5(password + user name). */
export function md5Password(password: string, user: string): string {
  return `md5${createHash("md5").update(password + user, "utf8").digest("hex")}`;
}

/** "md5" and 32 hex digits: a password given already hashed, used as it is (as Ansible does). */
export const isMd5Hash = (s: string) => /^md5[0-9a-f]{32}$/.test(s);

const SCRAM = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export const isScramHash = (s: string) => SCRAM.test(s);

// SASLprep (RFC 4013), as far as PostgreSQL applies it to a password: non-ASCII spaces become
// spaces, characters "mapped to nothing" go, NFKC; a password it would reject (control
// characters, unassigned code points...) is used as its raw bytes, which is PostgreSQL's
// fallback too. The bidirectional-text rules are not checked: such a password is still
// prepared the same way on every run, so comparisons stay stable.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
const PROHIBITED = /[\u0000-\u001F\u007F-\u009F\u06DD\u070F\u180E\u200E\u200F\u2028-\u202E\u206A-\u206F\uD800-\uDFFF\uE000-\uF8FF\uFFF9-\uFFFD]/;

export function saslPrep(password: string): Buffer {
  if (/^[\x20-\x7E]*$/.test(password)) return Buffer.from(password, "utf8");
  const prepared = password.replace(NON_ASCII_SPACE, " ").replace(MAPPED_TO_NOTHING, "").normalize("NFKC");
  if (prepared === "" || PROHIBITED.test(prepared)) return Buffer.from(password, "utf8");
  return Buffer.from(prepared, "utf8");
}

function scramKeys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(saslPrep(password), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  return { storedKey: createHash("sha256").update(clientKey).digest(), serverKey: createHmac("sha256", salted).update("Server Key").digest() };
}

/** A SCRAM-SHA-256 secret as the server stores it (the server takes it as it is). */
export function scramPassword(password: string, iterations = 4096, salt: Buffer = randomBytes(16)): string {
  const { storedKey, serverKey } = scramKeys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/**
 * Whether a stored SCRAM secret is this password's: the secret's own salt and iteration count
 * derive the server key again (RFC 5802), so nothing is changed to find out.
 */
export function scramMatches(stored: string, password: string): boolean {
  const m = SCRAM.exec(stored);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const { serverKey } = scramKeys(password, Buffer.from(m[2] ?? "", "base64"), iterations);
  return serverKey.equals(Buffer.from(m[4] ?? "", "base64"));
}

/**
 * Whether the stored password (null: none) is the wanted one, after Ansible's rules: "" means no
 * password; a SCRAM or md5 hash given compares as it is; a plain password is verified against a
 * stored SCRAM secret, or hashed with the user name against a stored md5 one.
 */
export function passwordMatches(stored: string | null, wanted: string, user: string): boolean {
  if (wanted === "") return stored === null;
  if (stored === null) return false;
  if (isScramHash(wanted) || isMd5Hash(wanted)) return wanted === stored;
  if (isScramHash(stored)) return scramMatches(stored, wanted);
  return md5Password(wanted, user) === stored;
}

/**
 * What goes into the statement for a wanted password: a hash computed here, in the server's
 * password_encryption (which PGOPTIONS may set for the session), so the plain text never reaches
 * the server's statement log. A hash given is sent as it is.
 */
export function storedPassword(wanted: string, user: string, encryption: string, iterations: number): string {
  if (isScramHash(wanted) || isMd5Hash(wanted)) return wanted;
  return encryption === "md5" ? md5Password(wanted, user) : scramPassword(wanted, iterations);
}
