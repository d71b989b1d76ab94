import { z } from "zod";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { MysqlError, MysqlLoginArgs, NoNewline, runSql } from "./mysql-client.js";
import { NO_SERVER_CHECK, probeUnlessUnavailable } from "./database-error.js";
import { type Row, SESSION_PRELUDE, sqlString } from "./mysql-output.js";
import {
  MODES,
  OLD_MODES,
  type OldMode,
  type ReplicaTerm,
  SETTING_KEYS,
  type StatusValue,
  changePrimarySql,
  modeOf,
  replicaStatement,
  replicaTerm,
  settingsDiff,
  statusValues,
  threadsRunning,
  threadsText,
} from "./mysql-replication-sql.js";

// MariaDB replication, after community.mysql's mysql_replication: the primary's and the replica's
// status read (in check mode too: they only read), CHANGE MASTER, and the replica's threads
// started, stopped or reset, through the host's `mysql` client (mysql-client.ts).

const Name = NoNewline.min(1);
const Count = z.number().int().min(0);

const ReplicationArgs = z
  .strictObject({
    mode: z
      .enum([...MODES, ...(Object.keys(OLD_MODES) as OldMode[])])
      .default("getreplica")
      .describe(
        "getprimary/getreplica: read the status; changeprimary: CHANGE MASTER TO the primary_* and relay_log_* settings; startreplica/stopreplica: the replica's threads; resetprimary/resetreplica/resetreplicaall: RESET. The old names (getmaster, getslave, changemaster, ...) do the same.",
      ),
    primary_host: Name.optional().describe("changeprimary: the primary's host (MASTER_HOST)."),
    primary_user: NoNewline.optional().describe("changeprimary: the replication account (MASTER_USER)."),
    primary_password: NoNewline.optional().describe("changeprimary: its password (MASTER_PASSWORD); masked in the result's queries, the diff and errors."),
    primary_port: z.number().int().min(1).max(65535).optional().describe("changeprimary: the primary's port (MASTER_PORT)."),
    primary_heartbeat_period: Count.optional().describe("changeprimary: seconds between heartbeats (MASTER_HEARTBEAT_PERIOD)."),
    primary_connect_retry: Count.optional().describe("changeprimary: seconds between connection attempts (MASTER_CONNECT_RETRY)."),
    primary_log_file: NoNewline.optional().describe("changeprimary: the primary's binary log to start from (MASTER_LOG_FILE)."),
    primary_log_pos: Count.optional().describe("changeprimary: the position in it (MASTER_LOG_POS)."),
    primary_delay: Count.optional().describe("changeprimary: seconds the replica stays behind the primary (MASTER_DELAY)."),
    relay_log_file: NoNewline.optional().describe("changeprimary: RELAY_LOG_FILE."),
    relay_log_pos: Count.optional().describe("changeprimary: RELAY_LOG_POS."),
    primary_ssl: z.boolean().optional().describe("changeprimary: connect to the primary with TLS (MASTER_SSL)."),
    primary_ssl_ca: NoNewline.optional().describe("changeprimary: MASTER_SSL_CA, the CA certificate file."),
    primary_ssl_capath: NoNewline.optional().describe("changeprimary: MASTER_SSL_CAPATH, a directory of CA certificates."),
    primary_ssl_cert: NoNewline.optional().describe("changeprimary: MASTER_SSL_CERT, the client certificate."),
    primary_ssl_crl: NoNewline.optional().describe("changeprimary: MASTER_SSL_CRL, a revocation list file."),
    primary_ssl_crlpath: NoNewline.optional().describe("changeprimary: MASTER_SSL_CRLPATH, a directory of revocation lists."),
    primary_ssl_key: NoNewline.optional().describe("changeprimary: MASTER_SSL_KEY, the client key."),
    primary_ssl_cipher: NoNewline.optional().describe("changeprimary: MASTER_SSL_CIPHER, the allowed ciphers."),
    primary_use_gtid: z
      .enum(["current_pos", "replica_pos", "disabled"])
      .optional()
      .describe("changeprimary: MASTER_USE_GTID; disabled is MASTER_USE_GTID=no."),
    connection_name: Name.optional().describe("A named primary connection of multi-source replication."),
    fail_on_error: z.boolean().default(false).describe("start/stop/reset: fail when the statement fails, rather than report no change (as community.mysql)."),
    ...MysqlLoginArgs,
  })
  .superRefine((a, ctx) => {
    const given = SETTING_KEYS.filter((k) => a[k] !== undefined);
    if (modeOf(a.mode) === "changeprimary") {
      if (given.length === 0) ctx.addIssue({ code: "custom", path: ["mode"], message: "changeprimary needs at least one primary_* or relay_log_* setting" });
    } else {
      for (const k of given) ctx.addIssue({ code: "custom", path: [k], message: `${k} only goes with mode changeprimary` });
    }
  });
type ReplicationArgs = z.output<typeof ReplicationArgs>;

export interface ReplicationState {
  /** Check mode without a server to ask: the change cannot be predicted. */
  unavailable?: true;
  term: ReplicaTerm;
  /** SHOW MASTER STATUS's row (getprimary), SHOW REPLICA STATUS's row (the other modes); undefined: none. */
  row?: Row | undefined;
}

/**
 * community.mysql's result: the status row's columns (File, Position, Slave_IO_Running...) with
 * Is_Primary / Is_Replica (Is_Master / Is_Slave for the old mode names), or msg; and the
 * statements that changed something, the password masked.
 */
export interface ReplicationResult {
  queries: string[];
  msg?: string;
  Is_Primary?: boolean;
  Is_Replica?: boolean;
  Is_Master?: boolean;
  Is_Slave?: boolean;
  File?: string;
  Position?: number;
  [column: string]: StatusValue | boolean | string[] | undefined;
}

/** community.mysql's messages when a start, stop or reset did nothing: changed=false. */
const NOT_STARTED = "Replica already started (Or cannot be started)";
const NOT_STOPPED = "Replica already stopped";
const NOT_RESET_PRIMARY = "Primary already reset";
const NOT_RESET_REPLICA = "Replica already reset";
const UNCHANGED = new Set([NOT_STARTED, NOT_STOPPED, NOT_RESET_PRIMARY, NOT_RESET_REPLICA]);

const NO_SUCH_CONNECTION = 1617;

const connection = (a: ReplicationArgs) => (a.connection_name !== undefined ? ` ${a.connection_name}` : "");

function statusResult(args: ReplicationArgs, row: Row | undefined): ReplicationResult {
  const old = args.mode in OLD_MODES;
  const primary = modeOf(args.mode) === "getprimary";
  const flag = primary ? (old ? "Is_Master" : "Is_Primary") : old ? "Is_Slave" : "Is_Replica";
  if (!row) {
    const what = primary ? (old ? "master" : "primary") : old ? "slave" : "replica";
    return { queries: [], [flag]: false, msg: `Server is not configured as mysql ${what}` };
  }
  return { ...statusValues(row), [flag]: true, queries: [] };
}

/** The replica's threads as the mode wants them already (nothing to do), or not. */
function alreadyDone(mode: string, row: Row | undefined): boolean {
  if (!row) return mode === "startreplica" || mode === "stopreplica";
  const t = threadsRunning(row);
  if (mode === "startreplica") return t.io && t.sql;
  if (mode === "stopreplica") return !t.io && !t.sql;
  return false;
}

/** Runs a start/stop/reset statement; a failure is a failure only with fail_on_error, as in community.mysql. */
async function runControl(ctx: ModuleContext, args: ReplicationArgs, sql: string, done: string, notDone: string, label: string): Promise<ReplicationResult> {
  try {
    await runSql(ctx.sh, args, `${SESSION_PRELUDE}\n${sql};\n`, { what: `${label}${connection(args)}` });
    return { msg: done, queries: [sql] };
  } catch (e) {
    if (!(e instanceof MysqlError) || args.fail_on_error) throw e instanceof MysqlError ? new MysqlError(`${label} failed: ${e.client.message}`, e.client) : e;
    return { msg: notDone, queries: [sql] };
  }
}

export const mysql_replication = defineModule({
  name: "mysql_replication",
  doc: {
    summary:
      "MariaDB replication, as community.mysql's mysql_replication: the primary's or the replica's status read, CHANGE MASTER TO, and the replica's threads started, stopped or reset. changeprimary and the resets run every time; start and stop only when the threads are not so already.",
    example: 'await h.mysql_replication({ mode: "changeprimary", primary_host: "10.0.0.11", primary_user: "repl", primary_password: v.repl_password, primary_use_gtid: "replica_pos" });',
    check: `Supported: getprimary and getreplica read in check mode too; the others report what they would do. ${NO_SERVER_CHECK} startreplica/stopreplica on a server not configured as a replica yet (an earlier changeprimary would) is reported skipped in check mode.`,
    diff: "changeprimary: the replication settings before and after; startreplica/stopreplica: the IO and SQL threads' state before and after. The other modes show none.",
  },
  // Replication state moves with other hosts' writes, and on its own.
  probeScope: "live",
  args: ReplicationArgs,
  async probe(ctx, args): Promise<ReplicationState> {
    const mode = modeOf(args.mode);
    const status = mode === "getprimary" ? "SHOW MASTER STATUS;" : `SHOW SLAVE${args.connection_name !== undefined ? ` ${sqlString(args.connection_name)}` : ""} STATUS;`;
    const version = `${SESSION_PRELUDE}\nSELECT VERSION() AS version;\n`;
    const what = `${mode}${connection(args)}: reading the replication status`;
    const read = async () => {
      try {
        return await runSql(ctx.sh, args, `${version}${status}\n`, { what });
      } catch (e) {
        // A connection name the server does not know (ER_MASTER_CONNECTION_NOT_EXISTS) is a replica not configured.
        if (!(e instanceof MysqlError) || e.client.code !== NO_SUCH_CONNECTION) throw e;
        return runSql(ctx.sh, args, version, { what });
      }
    };
    const sets = await probeUnlessUnavailable(ctx.check, read);
    if (!sets) return { unavailable: true, term: "REPLICA" };
    return { term: replicaTerm(sets[0]?.rows[0]?.version ?? ""), row: sets[1]?.rows[0] };
  },
  diff(args, st, ctx): Change | undefined {
    if (st.unavailable) return { summary: "no server to ask", unpredictable: true };
    const mode = modeOf(args.mode);
    const label = `replication${connection(args)}`;
    switch (mode) {
      case "getprimary":
      case "getreplica":
        return undefined;
      case "changeprimary": {
        const to = args.primary_host !== undefined ? ` to ${args.primary_host}${args.primary_port !== undefined ? `:${args.primary_port}` : ""}` : "";
        const at = args.primary_log_file !== undefined ? ` at ${args.primary_log_file}${args.primary_log_pos !== undefined ? `:${args.primary_log_pos}` : ""}` : "";
        return { summary: `change primary${to}${at}`, diffs: [{ label, ...settingsDiff(args, st.row) }] };
      }
      case "startreplica":
      case "stopreplica": {
        if (!st.row) {
          // In check mode the replica may be what an earlier (unapplied) changeprimary configures.
          if (ctx.check) return { summary: `${mode}: not configured as a replica yet`, unpredictable: true };
          if (args.fail_on_error) {
            const which = args.connection_name !== undefined ? ` (it has no connection ${args.connection_name})` : "";
            throw new ModuleError(`${mode === "startreplica" ? "START" : "STOP"} ${st.term}${connection(args)} failed: the server is not configured as a replica${which}`);
          }
          return undefined;
        }
        if (alreadyDone(mode, st.row)) return undefined;
        const running = mode === "startreplica" ? "Yes" : "No";
        return { summary: mode === "startreplica" ? "start replica" : "stop replica", diffs: [{ label, before: threadsText(st.row), after: `Slave_IO_Running: ${running}\nSlave_SQL_Running: ${running}\n` }] };
      }
      case "resetprimary":
        return { summary: "reset primary: binary logs deleted" };
      case "resetreplica":
        return { summary: "reset replica: relay logs deleted, position forgotten" };
      case "resetreplicaall":
        return { summary: "reset replica all: relay logs and connection settings deleted" };
    }
  },
  async apply(ctx, args, st): Promise<ReplicationResult> {
    const mode = modeOf(args.mode);
    const name = args.connection_name;
    switch (mode) {
      case "getprimary":
      case "getreplica":
        return statusResult(args, st.row);
      case "changeprimary": {
        const shown = changePrimarySql(args, st.term, name, true);
        const secrets = args.primary_password !== undefined && args.primary_password !== "" ? [args.primary_password] : [];
        await runSql(ctx.sh, args, `${SESSION_PRELUDE}\n${changePrimarySql(args, st.term, name, false)};\n`, { what: `changeprimary${connection(args)}`, secrets });
        return { queries: [shown] };
      }
      case "startreplica":
        return runControl(ctx, args, replicaStatement("START", st.term, name), "Replica started ", NOT_STARTED, `START ${st.term}`);
      case "stopreplica":
        return runControl(ctx, args, replicaStatement("STOP", st.term, name), "Replica stopped", NOT_STOPPED, `STOP ${st.term}`);
      case "resetprimary":
        return runControl(ctx, args, "RESET MASTER", "Primary reset", NOT_RESET_PRIMARY, "RESET MASTER");
      case "resetreplica":
        return runControl(ctx, args, replicaStatement("RESET", st.term, name), "Replica reset", NOT_RESET_REPLICA, `RESET ${st.term}`);
      case "resetreplicaall":
        return runControl(ctx, args, replicaStatement("RESET", st.term, name, true), "Replica reset", NOT_RESET_REPLICA, `RESET ${st.term} ALL`);
    }
  },
  unchanged(args, st): ReplicationResult {
    const mode = modeOf(args.mode);
    if (mode === "getprimary" || mode === "getreplica") return st.unavailable ? { queries: [] } : statusResult(args, st.row);
    if (!st.unavailable && alreadyDone(mode, st.row)) return { msg: mode === "startreplica" ? NOT_STARTED : NOT_STOPPED, queries: [] };
    return { queries: [] };
  },
  // As community.mysql: a start, stop or reset that failed (without fail_on_error) changed nothing.
  changed: (r) => r.msg === undefined || !UNCHANGED.has(r.msg),
});
