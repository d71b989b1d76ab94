import { REDACTED } from "../secrets/redact.js";
import { createHash } from "node:crypto";

// Pure parts of talking to MariaDB through the `mysql` client: SQL literals, the client's XML
// output, its error lines. The client's `--batch` text output cannot tell NULL from the string
// "NULL" and escapes tabs and newlines; `--xml` marks NULL (xsi:nil) and escapes only markup
// characters, so every value comes back exactly.

/** A row as the client returned it: column name -> text, or null for SQL NULL. */
export type Row = Record<string, string | null>;

/** One result set, in the order the statements produced them. */
export interface ResultSet {
  rows: Row[];
}

/**
 * A string literal for SQL. Statements built with it run with `sql_mode=''` (see sessionPrelude),
 * so backslash escapes are on whatever the server's default mode says.
 */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\0/g, "\\0")}'`;
}

/** A backtick-quoted identifier (database, table, column name). */
export function sqlIdent(s: string): string {
  return `\`${s.replace(/`/g, "``")}\``;
}

/** 'user'@'host', as GRANT, CREATE USER and friends take it. */
export function sqlAccount(user: string, host: string): string {
  return `${sqlString(user)}@${sqlString(host)}`;
}

/** Our own statements run in a known mode: no ANSI_QUOTES, backslash escapes on. */
export const SESSION_PRELUDE = "SET SESSION sql_mode = '';";

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

/**
 * Parses `mysql --xml` output: a `<resultset>` per statement that returned rows (empty ones
 * included), `<row>`s of `<field name="...">value</field>` or `<field name="..." xsi:nil="true" />`.
 * The client escapes `<`, `>`, `&` and `"` in names and values, so a value never contains markup.
 */
export function parseXmlResults(xml: string): ResultSet[] {
  const sets: ResultSet[] = [];
  let set: ResultSet | undefined;
  let row: Row | undefined;
  const token = /<resultset\b[^>]*>|<\/resultset>|<row>|<\/row>|<field name="([^"]*)"(?:\s+xsi:nil="true"\s*\/>|>([^<]*)<\/field>)/g;
  for (const m of xml.matchAll(token)) {
    const t = m[0];
    if (t.startsWith("<resultset")) {
      set = { rows: [] };
      sets.push(set);
    } else if (t === "</resultset>") {
      set = undefined;
    } else if (t === "<row>") {
      row = {};
      set?.rows.push(row);
    } else if (t === "</row>") {
      row = undefined;
    } else if (row) {
      row[unescapeXml(m[1] ?? "")] = m[2] === undefined ? null : unescapeXml(m[2]);
    }
  }
  return sets;
}

export interface ClientError {
  /** The server's or client's error number (1064, 2002...), when the line has one. */
  code?: number;
  /** Line of the script the failing statement started on, when the client says. */
  line?: number;
  /** "ERROR 1064 (42000) at line 3: You have an error..." without the echoed statement. */
  message: string;
}

/**
 * The error in the client's stderr. In batch mode the client first echoes the failing statement
 * between dashed lines (which may hold a password hash): only the ERROR line onwards is kept.
 */
export function parseClientError(stderr: string): ClientError {
  const matches = [...stderr.matchAll(/^ERROR (\d+) \([0-9A-Z]+\)(?: at line (\d+))?: /gm)];
  const last = matches.at(-1);
  if (!last || last.index === undefined) {
    const text = stderr.trim().split("\n").slice(-3).join(" | ");
    return { message: text || "the mysql client failed without a message" };
  }
  const message = stderr.slice(last.index).trim();
  return { code: Number(last[1]), ...(last[2] ? { line: Number(last[2]) } : {}), message };
}

/** Replaces every occurrence of each secret (and its SQL-escaped form) with "********". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (const form of new Set([s, sqlString(s).slice(1, -1)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * Queries that only read: SELECT (but not SELECT ... INTO), SHOW, DESCRIBE/DESC, EXPLAIN. They
 * may run in check mode and report no change. Leading comments and parentheses are skipped.
 */
export function isReadOnlyQuery(q: string): boolean {
  // The client runs every statement of the text: "SELECT 1; DELETE FROM t" must not pass as a read.
  if (statementCount(q) > 1) return false;
  const { word, body } = leadingKeyword(q);
  if (word === "SHOW" || word === "DESCRIBE" || word === "DESC" || word === "EXPLAIN") return true;
  return word === "SELECT" && !/\bINTO\b/i.test(body);
}

/** Statements that change the schema: changed whatever their row count (as Ansible's mysql_query). */
export function isDdlQuery(q: string): boolean {
  const { word } = leadingKeyword(q);
  return word !== undefined && ["CREATE", "DROP", "ALTER", "RENAME", "TRUNCATE"].includes(word);
}

/**
 * How many statements the mysql client would send for `q`: semicolons outside quotes, backticks
 * and comments end one, and a last one counts only when it holds more than blanks and comments.
 */
export function statementCount(q: string): number {
  let count = 0;
  let content = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i] as string;
    if (c === "'" || c === '"' || c === "`") {
      content = true;
      for (i++; i < q.length && q[i] !== c; i++) if (q[i] === "\\" && c !== "`") i++;
    } else if ((c === "-" && q.startsWith("-- ", i)) || c === "#") {
      const nl = q.indexOf("\n", i);
      i = nl < 0 ? q.length : nl;
    } else if (c === "/" && q.startsWith("/*", i) && !q.startsWith("/*!", i)) {
      const end = q.indexOf("*/", i + 2);
      i = end < 0 ? q.length : end + 1;
    } else if (c === ";") {
      if (content) count++;
      content = false;
    } else if (!/\s/.test(c)) content = true;
  }
  return content ? count + 1 : count;
}

/** The first keyword of a statement, after leading comments and parentheses. */
function leadingKeyword(q: string): { word: string | undefined; body: string } {
  let s = q;
  for (;;) {
    const t = s.replace(/^[\s(]+/, "");
    const stripped = t.startsWith("--") || t.startsWith("#") ? t.replace(/^[^\n]*(\n|$)/, "") : t.startsWith("/*") && !t.startsWith("/*!") ? t.replace(/^\/\*[\s\S]*?(\*\/|$)/, "") : t;
    if (stripped === s) break;
    s = stripped;
  }
  return { word: /^[A-Za-z]+/.exec(s)?.[0]?.toUpperCase(), body: s };
}

/**
 * mysql_native_password's stored form, as the server's PASSWORD() computes it:
 * "*" + upper-case hex of SHA1(SHA1(password)); the empty password stores as "". Computed here,
 * the probe compares hashes without sending the password anywhere.
 */
export function nativePasswordHash(password: string): string {
  if (password === "") return "";
  const inner = createHash("sha1").update(password, "utf8").digest();
  return `*${createHash("sha1").update(inner).digest("hex").toUpperCase()}`;
}
