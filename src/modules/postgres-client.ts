import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { DatabaseError } from "./database-error.js";
import { conninfo, parseJsonLines, parsePsqlError, pgIdent, redactPg } from "./postgres-sql.js";

// How the postgresql modules reach the server: `psql` on the host, as the task's user (the
// postgres system user through become, which peer authentication lets in without a password).
// SQL travels on psql's stdin, never on a command line that `ps` or the -vvv trace would show;
// a login password comes first on stdin and reaches psql as PGPASSWORD, in its environment only.

const NoNewline = z.string().regex(/^[^\n\0]*$/, "no newlines");

/** Ansible's connection options (community.postgresql), shared by the postgresql modules. */
export const PgLoginArgs = {
  login_user: NoNewline.min(1).default("postgres").describe("The role to connect as (with become: postgres, peer authentication needs no password)."),
  login_password: NoNewline.optional().describe("Its password (given to psql in its environment, never on a command line)."),
  // geerlingguy.postgresql passes both login_host and login_unix_socket.
  login_host: NoNewline.optional().describe('The server\'s host, over TCP; omitted, "" or "localhost" with login_unix_socket given: the socket (as in Ansible).'),
  login_unix_socket: NoNewline.optional().describe("The socket's directory (e.g. /var/run/postgresql); omitted: libpq's default."),
  port: z.number().int().min(1).max(65535).default(5432).describe("The server's port."),
  ssl_mode: z.enum(["allow", "disable", "prefer", "require", "verify-ca", "verify-full"]).default("prefer").describe("libpq's sslmode."),
  ca_cert: NoNewline.min(1).optional().describe("The CA certificate file that verifies the server (libpq's sslrootcert)."),
  session_role: z.string().min(1).optional().describe("A role switched to (SET ROLE) after connecting; permissions are then that role's."),
  // Every value is quoted as an identifier or literal here, so none can inject.
  trust_input: z.boolean().default(true).describe("Accepted for Ansible's sake: every name is quoted, so there is nothing to check."),
};

const LoginObject = z.object(PgLoginArgs);
export type PgLogin = z.output<typeof LoginObject>;

/** Ansible's rule for when login_host means the socket. */
function hostParam(login: PgLogin): string | undefined {
  const local = login.login_host === undefined || login.login_host === "" || login.login_host === "localhost";
  if (local && login.login_unix_socket !== undefined && login.login_unix_socket !== "") return login.login_unix_socket;
  return login.login_host === "" ? undefined : login.login_host;
}

/** The connection string: where, as whom, which database (unset: libpq's default, the user's name); nothing secret. */
export function connectionString(login: PgLogin, database: string | undefined): string {
  return conninfo({
    dbname: database,
    host: hostParam(login),
    port: login.port,
    user: login.login_user,
    sslmode: login.ssl_mode,
    sslrootcert: login.ca_cert,
    application_name: "do-converge",
  });
}

/**
 * The remote script. -X: no ~/.psqlrc; -A -t: bare values, one row a line; ON_ERROR_STOP: the
 * first error ends the run with rc 3, so later statements never run on a broken premise.
 */
export function psqlScript(login: PgLogin, database: string | undefined): string {
  const psql = `LC_MESSAGES=C PGCLIENTENCODING=UTF8 psql -X -q -A -t -v ON_ERROR_STOP=1 -d ${shellQuote(connectionString(login, database))} -f -`;
  const missing = `command -v psql >/dev/null 2>&1 || { echo 'no psql on the host (package postgresql-client)' >&2; exit 127; }`;
  if (login.login_password === undefined) return `${missing}\n${psql}`;
  return [missing, `IFS= read -r pw || exit 1`, `PGPASSWORD=$(printf '%s\\n' "$pw" | base64 -d) || exit 1`, `export PGPASSWORD`, `unset pw`, psql].join("\n");
}

/** A failed psql run: the server's (or psql's) message, secrets redacted. */
export class PgError extends DatabaseError {
  override name = "PgError";
}

export interface PgRunOptions {
  /** Strings that must never reach an error message (passwords, password hashes). */
  secrets?: readonly string[];
  /** "database app: reading its state": what the statements were for, in the error message. */
  what: string;
}

/** What starts every session: the session role, when one is asked for. */
export function sessionPrelude(login: PgLogin): string {
  return login.session_role !== undefined ? `SET ROLE ${pgIdent(login.session_role)};\n` : "";
}

/** Runs SQL (on stdin) through psql; returns the raw stdout. */
export async function runPsql(sh: RemoteShell, login: PgLogin, database: string | undefined, sql: string, opts: PgRunOptions): Promise<string> {
  const pw = login.login_password !== undefined ? `${Buffer.from(login.login_password).toString("base64")}\n` : "";
  const r = await sh.run(psqlScript(login, database), { stdin: pw + sessionPrelude(login) + sql });
  if (r.rc === 0) return r.stdout;
  const secrets = [...(opts.secrets ?? []), ...(login.login_password !== undefined ? [login.login_password] : [])];
  if (r.rc === 127) throw new PgError(`${opts.what}: ${r.stderr.trim()}`, true);
  const message = redactPg(parsePsqlError(r.stderr), secrets);
  // psql's rc 2: the connection failed (no server, refused): unavailable rather than an SQL error.
  const unavailable = r.rc === 2 || /^psql: error: connection to server/.test(message);
  const hint = /Peer authentication failed/.test(message) ? " (peer authentication: run the task as that system user, e.g. become_user: postgres)" : "";
  throw new PgError(`${opts.what}: ${message}${hint}`, unavailable);
}

/** Runs probe SQL whose queries each print one json value; returns the values in order. */
export async function queryJson(sh: RemoteShell, login: PgLogin, database: string | undefined, sql: string, opts: PgRunOptions): Promise<unknown[]> {
  const out = await runPsql(sh, login, database, sql, opts);
  try {
    return parseJsonLines(out);
  } catch {
    throw new PgError(`${opts.what}: psql printed something that is not the expected JSON: ${out.slice(0, 200)}`);
  }
}

