import { posix } from "node:path";
import { shellQuote } from "../remote/quote.js";
import { type MysqlLogin, connectionArgs, loginOptionFile } from "./mysql-client.js";

// mysql_db's state=dump and state=import, after community.mysql: mysqldump into a file on the
// host, or the file fed to the mysql client, (de)compressed by the file's extension. Pure: the
// remote scripts are built here and unit-tested; mysql.ts runs them.

/** A (de)compressor, chosen as Ansible does by the target's last extension. */
export interface Compressor {
  tool: string;
  pkg: string;
}

const COMPRESSORS: Readonly<Record<string, Compressor>> = {
  ".gz": { tool: "gzip", pkg: "gzip" },
  ".bz2": { tool: "bzip2", pkg: "bzip2" },
  ".xz": { tool: "xz", pkg: "xz-utils" },
  ".zst": { tool: "zstd", pkg: "zstd" },
};

/** Any other extension (.sql, .dump, none) is plain SQL. */
export function compressorOf(target: string): Compressor | undefined {
  return COMPRESSORS[posix.extname(target)];
}

// Exit codes of the scripts below, besides the client's own.
export const RC_MISSING_TOOL = 127;
export const RC_NO_TARGET = 3;
export const RC_DECOMPRESS = 4;
export const RC_DUMP = 5;
export const RC_COMPRESS = 6;
export const RC_WRITE = 7;

const DEFAULTS_FILE = '"$d/login.cnf"';

function requireTool(tool: string, pkg: string): string {
  return `command -v ${tool} >/dev/null 2>&1 || { echo 'no ${tool} on the host (package ${pkg})' >&2; exit ${RC_MISSING_TOOL}; }`;
}

/**
 * The common head: tools checked, a private directory $d (for the login option file and the
 * pipeline's exit marks) removed on every way out, the option file taken off stdin's first line.
 */
function head(login: MysqlLogin, tools: readonly Compressor[], cleanup = ""): string[] {
  const lines = [
    ...tools.map((t) => requireTool(t.tool, t.pkg)),
    "d=$(mktemp -d) || exit 1",
    `trap 'rm -rf "$d"${cleanup}' EXIT`,
    `trap 'rm -rf "$d"${cleanup}; exit 129' HUP INT TERM PIPE`,
  ];
  if (loginOptionFile(login) !== undefined) lines.push(`IFS= read -r cnf || exit 1`, `printf '%s\\n' "$cnf" | base64 -d > "$d/login.cnf" || exit 1`, `chmod 0600 "$d/login.cnf"`);
  return lines;
}

const CLIENT: Compressor = { tool: "mysql", pkg: "mariadb-client" };
const DUMPER: Compressor = { tool: "mysqldump", pkg: "mariadb-client" };

export interface ImportOptions {
  /** The database the statements run in, or "all": the file chooses its databases itself. */
  name: string;
  target: string;
  encoding?: string | undefined;
  force: boolean;
  chdir?: string | undefined;
}

/** The client's command line for an import (also what executed_commands reports). */
export function importCommand(login: MysqlLogin, o: ImportOptions): string {
  const defaultsFile = loginOptionFile(login) !== undefined ? DEFAULTS_FILE : undefined;
  const client = [
    "mysql",
    ...connectionArgs(login, defaultsFile),
    shellQuote(`--default-character-set=${o.encoding ?? "utf8mb4"}`),
    ...(o.force ? ["--force"] : []),
    // As Ansible: statements for other databases in the file are skipped.
    ...(o.name === "all" ? [] : ["--one-database", shellQuote(o.name)]),
  ].join(" ");
  const c = compressorOf(o.target);
  return c ? `${c.tool} -dc -- ${shellQuote(o.target)} | ${client}` : `${client} < ${shellQuote(o.target)}`;
}

/** Imports the target; a decompression failure is told apart from the client's. */
export function importScript(login: MysqlLogin, o: ImportOptions): string {
  const c = compressorOf(o.target);
  const lines = [
    ...head(login, [CLIENT, ...(c ? [c] : [])]),
    `[ -f ${shellQuote(o.target)} ] || { echo 'target ${o.target.replace(/'/g, "")} does not exist on the host' >&2; exit ${RC_NO_TARGET}; }`,
    ...(o.chdir ? [`cd -- ${shellQuote(o.chdir)} || exit 1`] : []),
  ];
  if (c) {
    const client = importCommand(login, o).split(" | ").slice(1).join(" | ");
    lines.push(`{ ${c.tool} -dc -- ${shellQuote(o.target)} || echo $? > "$d/unpack"; } | ${client}`);
  } else lines.push(importCommand(login, o));
  // A client that stops early makes the decompressor die of SIGPIPE (141): the client's error
  // is the one to report then.
  lines.push("rc=$?", `if [ -s "$d/unpack" ] && [ "$(cat "$d/unpack")" != 141 ]; then exit ${RC_DECOMPRESS}; fi`, "exit $rc");
  return lines.join("\n");
}

export interface DumpOptions {
  /** The databases, or "all" (--all-databases). */
  names: readonly string[] | "all";
  target: string;
  encoding?: string | undefined;
  single_transaction: boolean;
  quick: boolean;
  ignore_tables: readonly string[];
  hex_blob: boolean;
  force: boolean;
  skip_lock_tables: boolean;
  /** Appended as shell words, as Ansible does. */
  dump_extra_args?: string | undefined;
}

/** mysqldump's command line (also what executed_commands reports). */
export function dumpCommand(login: MysqlLogin, o: DumpOptions): string {
  const defaultsFile = loginOptionFile(login) !== undefined ? DEFAULTS_FILE : undefined;
  const dbs = o.names === "all" ? ["--all-databases"] : o.names.length > 1 ? ["--databases", ...o.names.map(shellQuote)] : o.names.map(shellQuote);
  return [
    "mysqldump",
    ...connectionArgs(login, defaultsFile),
    ...(o.force ? ["--force"] : []),
    ...dbs,
    ...(o.skip_lock_tables ? ["--skip-lock-tables"] : []),
    ...(o.encoding ? [shellQuote(`--default-character-set=${o.encoding}`)] : []),
    ...(o.single_transaction ? ["--single-transaction"] : []),
    ...(o.quick ? ["--quick"] : []),
    ...o.ignore_tables.map((t) => shellQuote(`--ignore-table=${t}`)),
    ...(o.hex_blob ? ["--hex-blob"] : []),
    ...(o.dump_extra_args ? [o.dump_extra_args] : []),
  ].join(" ");
}

/**
 * Dumps into a temporary file beside the target, renamed over it only when the dump and the
 * compression both succeeded: a failed dump never leaves a truncated file where the last good
 * one was. The file gets the target's mode and owner when it exists, else the umask's mode (as
 * a shell redirection would create it). `nonce` makes the temporary name unguessable.
 */
export function dumpScript(login: MysqlLogin, o: DumpOptions, nonce: string): string {
  const c = compressorOf(o.target);
  const tmp = posix.join(posix.dirname(o.target), `.dcv-dump.${nonce}`);
  const dump = dumpCommand(login, o);
  return [
    ...head(login, [DUMPER, ...(c ? [c] : [])], '; rm -f -- "$tmp"'),
    `t=${shellQuote(o.target)}`,
    `tmp=${shellQuote(tmp)}`,
    `( set -C; : > "$tmp" ) || exit ${RC_WRITE}`,
    c ? `{ ${dump} || echo $? > "$d/dump"; } | ${c.tool} -c > "$tmp"` : `${dump} > "$tmp" || echo $? > "$d/dump"`,
    "rc=$?",
    `[ -s "$d/dump" ] && exit ${RC_DUMP}`,
    `[ $rc -eq 0 ] || exit ${RC_COMPRESS}`,
    `if [ -e "$t" ]; then chmod --reference="$t" -- "$tmp" && chown --reference="$t" -- "$tmp" || exit ${RC_WRITE}; fi`,
    'sync -- "$tmp" 2>/dev/null',
    `mv -fT -- "$tmp" "$t" || exit ${RC_WRITE}`,
  ].join("\n");
}
