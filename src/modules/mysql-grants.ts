// Privileges of a MariaDB account as comparable sets: parsed from Ansible's priv string
// ("db.*:SELECT,INSERT/otherdb.t:ALL"), from a record, or from SHOW GRANTS, and normalised so that
// the two sides compare equal exactly when the server holds what was asked for. Pure: unit-tested.

import { sqlIdent } from "./mysql-output.js";

/**
 * Object -> privileges. Objects are canonical: "*.*", "`db`.*", "`db`.`table`",
 * "PROCEDURE `db`.`name`" (as SHOW GRANTS prints them). Privileges are upper case with single
 * spaces, "ALL PRIVILEGES" for ALL, "GRANT" for the grant option (Ansible's spelling), column
 * privileges as "SELECT (a, b)" with sorted lower-case column names; USAGE (no privilege) is
 * dropped, and objects left without privileges are absent.
 */
export type PrivMap = Map<string, Set<string>>;

export class PrivSyntaxError extends Error {
  override name = "PrivSyntaxError";
}

export const ALL = "ALL PRIVILEGES";
export const GRANT_OPTION = "GRANT";

/** Names the server accepts but prints differently (MariaDB 10.5+). */
const ALIASES: Record<string, string> = {
  ALL: ALL,
  "GRANT OPTION": GRANT_OPTION,
  "REPLICATION CLIENT": "BINLOG MONITOR",
  "REPLICATION REPLICA": "REPLICATION SLAVE",
  "REPLICA MONITOR": "SLAVE MONITOR",
};

/** Splits on `sep` outside backticks, quotes and parentheses. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "`" || c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function unquoteIdent(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith("`") && t.endsWith("`") ? t.slice(1, -1).replace(/``/g, "`") : t;
}

/** "db.table", "`db`.*", "PROCEDURE db.p" -> the canonical object name. */
export function canonicalObject(spec: string): string {
  let s = spec.trim();
  let kind = "";
  const k = /^(FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE)\s+/i.exec(s);
  if (k?.[1]) {
    kind = `${k[1].toUpperCase().replace(/\s+/g, " ")} `;
    s = s.slice(k[0].length);
  }
  const parts = splitTop(s, ".");
  if (parts.length < 2) throw new PrivSyntaxError(`"${spec}" is not db.table (use db.* for a whole database, *.* for global privileges)`);
  // Unquoted names split at the last dot, as Ansible does: "a.b.*" is database "a.b".
  const table = parts.pop() ?? "";
  const db = parts.join(".");
  const side = (x: string) => {
    const t = x.trim();
    if (t === "*") return "*";
    const name = unquoteIdent(t);
    if (name === "") throw new PrivSyntaxError(`"${spec}": empty database or table name`);
    return sqlIdent(name);
  };
  const d = side(db);
  if (d === "*" && side(table) !== "*") throw new PrivSyntaxError(`"${spec}": a table needs a database`);
  return `${kind}${d}.${side(table)}`;
}

/** "select (B,`a`)" -> "SELECT (a, b)"; "all" -> "ALL PRIVILEGES"; "usage" -> undefined. */
export function canonicalPrivilege(p: string): string | undefined {
  const m = /^([A-Za-z_ ]+?)\s*(?:\((.*)\))?\s*$/s.exec(p.trim());
  if (!m?.[1]) throw new PrivSyntaxError(`"${p.trim()}" is not a privilege`);
  const upper = m[1].toUpperCase().replace(/\s+/g, " ");
  const name = ALIASES[upper] ?? upper;
  if (name === "USAGE") return undefined;
  if (m[2] === undefined) return name;
  const cols = splitTop(m[2], ",")
    .map((c) => unquoteIdent(c).toLowerCase())
    .filter((c) => c !== "");
  if (cols.length === 0) throw new PrivSyntaxError(`"${p.trim()}": empty column list`);
  return `${name} (${[...new Set(cols)].sort().join(", ")})`;
}

function addPrivileges(map: PrivMap, object: string, privs: Iterable<string>): void {
  const set = map.get(object) ?? new Set<string>();
  for (const p of privs) {
    const c = canonicalPrivilege(p);
    if (c !== undefined) set.add(c);
  }
  if (set.size > 0) map.set(object, set);
}

/** Ansible's priv string: "db.*:SELECT,INSERT/otherdb.table:ALL,GRANT". */
export function parsePrivString(priv: string): PrivMap {
  const map: PrivMap = new Map();
  for (const item of splitTop(priv.trim(), "/")) {
    if (item.trim() === "") continue;
    const colon = item.lastIndexOf(":");
    if (colon < 0) throw new PrivSyntaxError(`"${item.trim()}" has no ":" between the object and its privileges`);
    const privs = splitTop(item.slice(colon + 1), ",").filter((p) => p.trim() !== "");
    if (privs.length === 0) throw new PrivSyntaxError(`"${item.trim()}" lists no privileges`);
    addPrivileges(map, canonicalObject(item.slice(0, colon)), privs);
  }
  return map;
}

/** The record form: { "db.*": "SELECT,INSERT", "other.t": ["ALL"] }. */
export function parsePrivRecord(priv: Record<string, string | readonly string[]>): PrivMap {
  const map: PrivMap = new Map();
  for (const [object, privs] of Object.entries(priv)) {
    const list = typeof privs === "string" ? splitTop(privs, ",") : privs;
    const clean = list.filter((p) => p.trim() !== "");
    if (clean.length === 0) throw new PrivSyntaxError(`"${object}" lists no privileges`);
    addPrivileges(map, canonicalObject(object), clean);
  }
  return map;
}

/**
 * SHOW GRANTS lines. Role grants ("GRANT `role` TO ...") and PROXY grants have no db.table object
 * and are left out: this module never revokes them.
 */
export function parseShowGrants(lines: readonly string[]): PrivMap {
  const map: PrivMap = new Map();
  for (const line of lines) {
    if (!line.startsWith("GRANT ")) continue;
    const [privs, rest] = splitOnce(line.slice(6), " ON ");
    if (rest === undefined) continue;
    const [object, grantee] = splitOnce(rest, " TO ");
    if (grantee === undefined || object.trim().startsWith("'") || /^PROXY$/i.test(privs.trim())) continue;
    const list = splitTop(privs, ",");
    // Quoted strings (a password hash after IDENTIFIED BY) cannot fake the option.
    if (/\bWITH GRANT OPTION\b/.test(grantee.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) list.push(GRANT_OPTION);
    addPrivileges(map, canonicalObject(object), list);
  }
  return map;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const parts = splitTop(s, sep);
  return parts.length < 2 ? [s, undefined] : [parts[0] ?? "", parts.slice(1).join(sep)];
}

/** One GRANT or REVOKE for one object, before the account is known. */
export interface PrivStatement {
  verb: "GRANT" | "REVOKE";
  object: string;
  /** Canonical privileges, without the grant option. */
  privileges: string[];
  /** GRANT: add WITH GRANT OPTION; REVOKE: revoke the grant option (its own statement). */
  grantOption: boolean;
}

const isOrdinary = (p: string) => p !== GRANT_OPTION && !p.includes("(");

/**
 * Statements that turn `current` into `desired`: revokes first (so that replacing ALL with SELECT
 * works), then grants. With `append`, nothing is revoked and objects absent from `desired` are
 * left alone, as Ansible's append_privs.
 */
export function planPrivileges(current: PrivMap, desired: PrivMap, append: boolean): PrivStatement[] {
  const revokes: PrivStatement[] = [];
  const grants: PrivStatement[] = [];
  const objects = append ? [...desired.keys()] : [...new Set([...current.keys(), ...desired.keys()])];
  for (const object of objects.sort()) {
    const cur = current.get(object) ?? new Set<string>();
    const want = desired.get(object) ?? new Set<string>();
    let missing = [...want].filter((p) => !cur.has(p));
    // Under ALL PRIVILEGES the server prints nothing else: asking for SELECT on top is a no-op.
    if (append && cur.has(ALL)) missing = missing.filter((p) => !isOrdinary(p));
    let extra = append ? [] : [...cur].filter((p) => !want.has(p));
    // Granting ALL absorbs the ordinary privileges already there: no need to revoke them first.
    if (want.has(ALL)) extra = extra.filter((p) => !isOrdinary(p));
    const revokeList = extra.filter((p) => p !== GRANT_OPTION).sort();
    if (revokeList.length > 0) revokes.push({ verb: "REVOKE", object, privileges: revokeList, grantOption: false });
    if (extra.includes(GRANT_OPTION)) revokes.push({ verb: "REVOKE", object, privileges: [], grantOption: true });
    const grantList = missing.filter((p) => p !== GRANT_OPTION).sort();
    const grantOption = missing.includes(GRANT_OPTION);
    if (grantList.length > 0 || grantOption) grants.push({ verb: "GRANT", object, privileges: grantList, grantOption });
  }
  return [...revokes, ...grants];
}

/** A canonical privilege as SQL: column names back in backticks. */
function privilegeSql(p: string): string {
  const m = /^([A-Z_ ]+) \((.*)\)$/.exec(p);
  if (!m?.[1] || m[2] === undefined) return p;
  return `${m[1]} (${m[2].split(", ").map(sqlIdent).join(", ")})`;
}

/** The statement's SQL for an account ('user'@'host', already quoted). */
export function statementSql(s: PrivStatement, account: string): string {
  if (s.verb === "REVOKE") {
    return s.grantOption ? `REVOKE GRANT OPTION ON ${s.object} FROM ${account}` : `REVOKE ${s.privileges.map(privilegeSql).join(", ")} ON ${s.object} FROM ${account}`;
  }
  const list = s.privileges.length > 0 ? s.privileges.map(privilegeSql).join(", ") : "USAGE";
  return `GRANT ${list} ON ${s.object} TO ${account}${s.grantOption ? " WITH GRANT OPTION" : ""}`;
}

/** "revoke INSERT on `db`.*", for the task's one-line summary. */
export function statementSummary(s: PrivStatement): string {
  const what = s.verb === "REVOKE" && s.grantOption ? "GRANT OPTION" : [...s.privileges, ...(s.verb === "GRANT" && s.grantOption ? ["GRANT OPTION"] : [])].join(",");
  return `${s.verb.toLowerCase()} ${what} on ${s.object}`;
}

/** The map applied to an account: what it holds after `plan` (for results and diffs). */
export function privilegesAfter(current: PrivMap, desired: PrivMap, append: boolean): PrivMap {
  if (!append) return new Map([...desired].map(([k, v]) => [k, new Set(v)]));
  const out: PrivMap = new Map([...current].map(([k, v]) => [k, new Set(v)]));
  for (const [k, v] of desired) {
    const set = out.get(k) ?? new Set<string>();
    if (!set.has(ALL)) for (const p of v) set.add(p);
    else for (const p of v) if (!isOrdinary(p)) set.add(p);
    out.set(k, set);
  }
  return out;
}

/** One "object: PRIV, PRIV" line per object, sorted: the diff's text. */
export function formatPrivileges(map: PrivMap): string[] {
  return [...map.keys()].sort().map((k) => `${k}: ${[...(map.get(k) ?? [])].sort().join(", ")}`);
}

/** As a plain object for results: { "`db`.*": ["INSERT", "SELECT"] }. */
export function privilegesRecord(map: PrivMap): Record<string, string[]> {
  return Object.fromEntries([...map.keys()].sort().map((k) => [k, [...(map.get(k) ?? [])].sort()]));
}
