import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { AbsPath } from "./args.js";
import { DatabaseError } from "./database-error.js";
import { type ClientError, type ResultSet, parseClientError, parseXmlResults, redact } from "./mysql-output.js";

// How the mysql modules reach the server: the `mysql` client on the host, as the task's user
// (root through become: Debian's MariaDB root logs in by unix_socket, no password anywhere).
// SQL always travels on the client's stdin, never on a command line that `ps` or the -vvv trace
// would show. A login password goes into a [client] option file in a private temporary
// directory that the same remote script creates and removes; its content also comes on stdin.

export const NoNewline = z.string().regex(/^[^\n\0]*$/, "no newlines");

/** Ansible's login options (community.mysql), shared by mysql_db, mysql_user and mysql_query. */
export const MysqlLoginArgs = {
  login_user: NoNewline.min(1).optional().describe("The account to connect as; default: the task's (become) user, which for root means socket authentication."),
  login_password: NoNewline.optional().describe("Its password (given to the client in a temporary option file, never on a command line)."),
  login_host: NoNewline.min(1).optional().describe("Connect over TCP to this host; omitted: through login_unix_socket."),
  login_port: z.number().int().min(1).max(65535).default(3306).describe("The TCP port, with login_host."),
  login_unix_socket: AbsPath.pipe(NoNewline).default("/run/mysqld/mysqld.sock").describe("The server's socket, without login_host."),
  config_file: AbsPath.pipe(NoNewline)
    .optional()
    .describe("An option file with [client] credentials (e.g. /root/.my.cnf), read instead of the default option files; ignored when missing, as in Ansible."),
  connect_timeout: z.number().int().positive().default(30).describe("Seconds to wait for the connection."),
};

const LoginObject = z.object(MysqlLoginArgs);
export type MysqlLogin = z.output<typeof LoginObject>;

/** An option-file value in double quotes, with the escapes the option-file reader understands. */
function optionValue(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The option file for --defaults-file, or undefined when the client's defaults will do. */
export function loginOptionFile(login: MysqlLogin): string | undefined {
  if (login.login_password === undefined && login.config_file === undefined) return undefined;
  // A missing !include is skipped silently by the option-file reader: Ansible's behaviour.
  const include = login.config_file !== undefined ? `!include ${login.config_file}\n` : "";
  const password = login.login_password !== undefined ? `[client]\npassword=${optionValue(login.login_password)}\n` : "";
  return include + password;
}

/**
 * Where and as whom a client tool (mysql, mysqldump) connects, nothing secret. --defaults-file
 * comes first: the tools refuse it anywhere else.
 */
export function connectionArgs(login: MysqlLogin, defaultsFile?: string): string[] {
  const a: string[] = [];
  if (defaultsFile) a.push(`--defaults-file=${defaultsFile}`);
  if (login.login_host !== undefined) a.push("--protocol=tcp", shellQuote(`--host=${login.login_host}`), `--port=${login.login_port}`);
  else a.push("--protocol=socket", shellQuote(`--socket=${login.login_unix_socket}`));
  if (login.login_user !== undefined) a.push(shellQuote(`--user=${login.login_user}`));
  return a;
}

/** The client's command line: connection and output options only, nothing secret. */
export function clientArgs(login: MysqlLogin, opts: { database?: string | undefined; defaultsFile?: string }): string {
  const a = connectionArgs(login, opts.defaultsFile);
  a.push(`--connect-timeout=${login.connect_timeout}`, "--default-character-set=utf8mb4", "--batch", "--xml");
  if (opts.database !== undefined) a.push(shellQuote(`--database=${opts.database}`));
  return a.join(" ");
}

/**
 * The remote script. With an option file, its base64 is the first line of stdin: `read` (a
 * builtin, reading byte by byte) takes it off before the client reads the SQL that follows.
 */
export function clientScript(login: MysqlLogin, database?: string): string {
  const missing = `command -v mysql >/dev/null 2>&1 || { echo 'no mysql client on the host (package mariadb-client)' >&2; exit 127; }`;
  if (loginOptionFile(login) === undefined) return `${missing}\nmysql ${clientArgs(login, { database })}`;
  return [
    missing,
    // The script runs in its own subshell: the umask does not leak. mktemp -d is 0700 anyway.
    `umask 077`,
    `d=$(mktemp -d) || exit 1`,
    `trap 'rm -rf "$d"' EXIT HUP INT TERM`,
    `IFS= read -r cnf || exit 1`,
    `printf '%s\\n' "$cnf" | base64 -d > "$d/login.cnf" || exit 1`,
    `mysql ${clientArgs(login, { database, defaultsFile: '"$d/login.cnf"' })}`,
    `rc=$?; rm -rf "$d"; exit $rc`,
  ].join("\n");
}

/** A failed statement: the client's error, with secrets already redacted. */
export class MysqlError extends DatabaseError {
  override name = "MysqlError";
  constructor(
    message: string,
    readonly client: ClientError,
    unavailable = false,
  ) {
    super(message, unavailable);
  }
}

export interface SqlOptions {
  database?: string | undefined;
  /** Strings that must never reach an error message (passwords, password hashes). */
  secrets?: readonly string[];
  /** "reading users": what the statements were for, in the error message. */
  what: string;
}

/** What a client tool reads first on stdin: the option file's base64 line, when there is one. */
export function loginStdin(login: MysqlLogin): string {
  const cnf = loginOptionFile(login);
  return cnf !== undefined ? `${Buffer.from(cnf).toString("base64")}\n` : "";
}

/** Runs SQL (on stdin) through the host's client; returns the result sets in order. */
export async function runSql(sh: RemoteShell, login: MysqlLogin, sql: string, opts: SqlOptions): Promise<ResultSet[]> {
  const r = await sh.run(clientScript(login, opts.database), { stdin: loginStdin(login) + sql });
  if (r.rc === 0) return parseXmlResults(r.stdout);
  throw clientFailure(r, login, opts);
}

/** A client tool's failure as a MysqlError: its error line, secrets redacted, a hint where one helps. */
export function clientFailure(r: { rc: number; stderr: string }, login: MysqlLogin, opts: Pick<SqlOptions, "secrets" | "what">): MysqlError {
  const secrets = [...(opts.secrets ?? []), ...(login.login_password !== undefined ? [login.login_password] : [])];
  if (r.rc === 127) return new MysqlError(`${opts.what}: ${r.stderr.trim()}`, { message: r.stderr.trim() }, true);
  const err = parseClientError(r.stderr);
  const client = { ...err, message: redact(err.message, secrets) };
  const hint = err.code === 2002 ? " (is the server running?)" : err.code === 1045 || err.code === 1698 ? " (socket authentication as root needs become: true)" : "";
  return new MysqlError(`${opts.what}: ${client.message}${hint}`, client, err.code === 2002 || err.code === 2003);
}

