import { REDACTED } from "../secrets/redact.js";
import { type Row, sqlString } from "./mysql-output.js";

// Pure parts of mysql_replication (after community.mysql): the modes and their old names, the
// CHANGE MASTER statement, the status rows as community.mysql returns them, the diff's text.
// Unit-tested.

export const MODES = ["getprimary", "getreplica", "changeprimary", "startreplica", "stopreplica", "resetprimary", "resetreplica", "resetreplicaall"] as const;
export type Mode = (typeof MODES)[number];

/** community.mysql's names before 2.0: same statements, and getmaster/getslave answer Is_Master/Is_Slave. */
export const OLD_MODES = {
  getmaster: "getprimary",
  getslave: "getreplica",
  changemaster: "changeprimary",
  startslave: "startreplica",
  stopslave: "stopreplica",
  resetmaster: "resetprimary",
  resetslave: "resetreplica",
  resetslaveall: "resetreplicaall",
} as const satisfies Record<string, Mode>;
export type OldMode = keyof typeof OLD_MODES;

export function modeOf(mode: Mode | OldMode): Mode {
  return (OLD_MODES as Record<string, Mode>)[mode] ?? (mode as Mode);
}

/** "REPLICA" since MariaDB 10.5.1 and MySQL 8.0.22 (community.mysql's test), "SLAVE" before. */
export type ReplicaTerm = "REPLICA" | "SLAVE";

export function replicaTerm(version: string): ReplicaTerm {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return "SLAVE";
  const v = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  const atLeast = (a: number, b: number, c: number) => v[0] !== a ? v[0] > a : v[1] !== b ? v[1] > b : v[2] >= c;
  return (/mariadb/i.test(version) ? atLeast(10, 5, 1) : atLeast(8, 0, 22)) ? "REPLICA" : "SLAVE";
}

/** The CHANGE MASTER settings, as the module's arguments name them. */
export interface PrimarySettings {
  primary_host?: string | undefined;
  primary_user?: string | undefined;
  primary_password?: string | undefined;
  primary_port?: number | undefined;
  primary_heartbeat_period?: number | undefined;
  primary_connect_retry?: number | undefined;
  primary_log_file?: string | undefined;
  primary_log_pos?: number | undefined;
  primary_delay?: number | undefined;
  relay_log_file?: string | undefined;
  relay_log_pos?: number | undefined;
  primary_ssl?: boolean | undefined;
  primary_ssl_ca?: string | undefined;
  primary_ssl_capath?: string | undefined;
  primary_ssl_cert?: string | undefined;
  primary_ssl_crl?: string | undefined;
  primary_ssl_crlpath?: string | undefined;
  primary_ssl_key?: string | undefined;
  primary_ssl_cipher?: string | undefined;
  primary_use_gtid?: "current_pos" | "replica_pos" | "disabled" | undefined;
}

type Setting = keyof PrimarySettings;

/**
 * Each setting: its CHANGE MASTER option, how its value is written, and the SHOW REPLICA STATUS
 * column that shows it (none for the password and the heartbeat). In community.mysql's order.
 */
const SETTINGS: readonly { key: Setting; option: string; kind: "string" | "number" | "bool" | "gtid"; column?: string }[] = [
  { key: "primary_host", option: "MASTER_HOST", kind: "string", column: "Master_Host" },
  { key: "primary_user", option: "MASTER_USER", kind: "string", column: "Master_User" },
  { key: "primary_password", option: "MASTER_PASSWORD", kind: "string" },
  { key: "primary_port", option: "MASTER_PORT", kind: "number", column: "Master_Port" },
  { key: "primary_heartbeat_period", option: "MASTER_HEARTBEAT_PERIOD", kind: "number" },
  { key: "primary_connect_retry", option: "MASTER_CONNECT_RETRY", kind: "number", column: "Connect_Retry" },
  { key: "primary_log_file", option: "MASTER_LOG_FILE", kind: "string", column: "Master_Log_File" },
  { key: "primary_log_pos", option: "MASTER_LOG_POS", kind: "number", column: "Read_Master_Log_Pos" },
  { key: "primary_delay", option: "MASTER_DELAY", kind: "number", column: "SQL_Delay" },
  { key: "relay_log_file", option: "RELAY_LOG_FILE", kind: "string", column: "Relay_Log_File" },
  { key: "relay_log_pos", option: "RELAY_LOG_POS", kind: "number", column: "Relay_Log_Pos" },
  { key: "primary_ssl", option: "MASTER_SSL", kind: "bool", column: "Master_SSL_Allowed" },
  { key: "primary_ssl_ca", option: "MASTER_SSL_CA", kind: "string", column: "Master_SSL_CA_File" },
  { key: "primary_ssl_capath", option: "MASTER_SSL_CAPATH", kind: "string", column: "Master_SSL_CA_Path" },
  { key: "primary_ssl_cert", option: "MASTER_SSL_CERT", kind: "string", column: "Master_SSL_Cert" },
  { key: "primary_ssl_crl", option: "MASTER_SSL_CRL", kind: "string", column: "Master_SSL_Crl" },
  { key: "primary_ssl_crlpath", option: "MASTER_SSL_CRLPATH", kind: "string", column: "Master_SSL_Crlpath" },
  { key: "primary_ssl_key", option: "MASTER_SSL_KEY", kind: "string", column: "Master_SSL_Key" },
  { key: "primary_ssl_cipher", option: "MASTER_SSL_CIPHER", kind: "string", column: "Master_SSL_Cipher" },
  { key: "primary_use_gtid", option: "MASTER_USE_GTID", kind: "gtid", column: "Using_Gtid" },
];

export const SETTING_KEYS: readonly Setting[] = SETTINGS.map((s) => s.key);

function gtidValue(v: string, term: ReplicaTerm): string {
  if (v === "disabled") return "no";
  // Servers from before the REPLICA terminology only know slave_pos.
  return v === "replica_pos" && term === "SLAVE" ? "slave_pos" : v;
}

/** CHANGE MASTER [ 'connection' ] TO ...; `mask` writes the password as ********. */
export function changePrimarySql(s: PrimarySettings, term: ReplicaTerm, connectionName: string | undefined, mask: boolean): string {
  const parts: string[] = [];
  for (const { key, option, kind } of SETTINGS) {
    const v = s[key];
    if (v === undefined) continue;
    if (key === "primary_password" && mask) parts.push(`${option}='${REDACTED}'`);
    else if (kind === "bool") parts.push(`${option}=${v ? 1 : 0}`);
    else if (kind === "number") parts.push(`${option}=${Number(v)}`);
    else if (kind === "gtid") parts.push(`${option}=${gtidValue(String(v), term)}`);
    else parts.push(`${option}=${sqlString(String(v))}`);
  }
  return `CHANGE MASTER${connectionName !== undefined ? ` ${sqlString(connectionName)}` : ""} TO ${parts.join(", ")}`;
}

/** START/STOP/RESET statements, with the connection name when there is one. */
export function replicaStatement(verb: "START" | "STOP" | "RESET", term: ReplicaTerm, connectionName: string | undefined, all = false): string {
  return `${verb} ${term}${connectionName !== undefined ? ` ${sqlString(connectionName)}` : ""}${all ? " ALL" : ""}`;
}

/** Numeric columns of SHOW MASTER STATUS and SHOW REPLICA STATUS: the driver community.mysql uses returns them as numbers. */
const INTEGER_COLUMNS = new Set([
  "Position",
  "Master_Port",
  "Connect_Retry",
  "Read_Master_Log_Pos",
  "Relay_Log_Pos",
  "Last_Errno",
  "Skip_Counter",
  "Exec_Master_Log_Pos",
  "Relay_Log_Space",
  "Until_Log_Pos",
  "Seconds_Behind_Master",
  "Last_IO_Errno",
  "Last_SQL_Errno",
  "Master_Server_Id",
  "SQL_Delay",
  "SQL_Remaining_Delay",
  "Slave_DDL_Groups",
  "Slave_Non_Transactional_Groups",
  "Slave_Transactional_Groups",
  "Master_Retry_Count",
  "Auto_Position",
]);

export type StatusValue = string | number | null;

/** A status row with its numeric columns as numbers (NULL stays null: Seconds_Behind_Master of a stopped replica). */
export function statusValues(row: Row): Record<string, StatusValue> {
  const out: Record<string, StatusValue> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v !== null && INTEGER_COLUMNS.has(k) && /^-?\d+$/.test(v) ? Number(v) : v;
  return out;
}

/** Both replication threads run ("Connecting" is a running I/O thread that has not reached the primary yet). */
export function threadsRunning(row: Row): { io: boolean; sql: boolean } {
  return { io: (row.Slave_IO_Running ?? "No") !== "No", sql: row.Slave_SQL_Running === "Yes" };
}

/** The replica's threads, for start/stop diffs. */
export function threadsText(row: Row | undefined): string {
  if (!row) return "replica: not configured\n";
  return `Slave_IO_Running: ${row.Slave_IO_Running ?? ""}\nSlave_SQL_Running: ${row.Slave_SQL_Running ?? ""}\n`;
}

/**
 * changeprimary's diff: each given setting as the replica shows it now, and as asked. The password
 * is never shown, only that one is set.
 */
export function settingsDiff(s: PrimarySettings, row: Row | undefined): { before: string; after: string } {
  const before: string[] = [];
  const after: string[] = [];
  if (!row) before.push("replica: not configured");
  for (const { key, kind, column } of SETTINGS) {
    const v = s[key];
    if (v === undefined) continue;
    if (key === "primary_password") {
      after.push(`${key}: (set)`);
      continue;
    }
    const want = kind === "bool" ? (v ? "Yes" : "No") : String(v);
    if (row) before.push(`${key}: ${column !== undefined ? (row[column] ?? "") : "(not shown by the server)"}`);
    after.push(`${key}: ${want}`);
  }
  return { before: before.map((l) => `${l}\n`).join(""), after: after.map((l) => `${l}\n`).join("") };
}
