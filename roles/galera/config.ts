import type { GaleraVars } from "./vars.js";

// What templates/galera.cnf.njk renders for one node: everything it needs in one object, so the
// config of each member can be written from another host's tasks as well (the bootstrap node's may be
// written from another host's batch, see index.ts) and come out the same as from its own.

export interface GaleraNodeConfig {
  cluster_name: string;
  /** gcomm:// and every data node's private address, this one included, in inventory order. */
  cluster_address: string;
  node_name: string;
  node_address: string;
  bind_address: string;
  max_connections: number;
  innodb_buffer_pool_size: string;
  provider_options: string;
  slave_threads: number;
  sst_method: string;
  /** Further settings, sorted by name so the file does not change with key order. */
  extra: [string, string][];
}

export interface Member {
  name: string;
  address: string;
}

/** An option-file value: quoted when it holds a character the option parser would take apart. */
export function optionValue(v: string | number | boolean): string {
  const s = typeof v === "boolean" ? (v ? "ON" : "OFF") : String(v);
  if (/^[A-Za-z0-9_./:,@+-]+$/.test(s)) return s;
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function galeraNodeConfig(v: GaleraVars, node: Member, members: readonly Member[]): GaleraNodeConfig {
  return {
    cluster_name: v.galera_cluster_name,
    cluster_address: `gcomm://${members.map((m) => m.address).join(",")}`,
    node_name: node.name,
    node_address: node.address,
    bind_address: v.galera_bind_address === "private" ? node.address : v.galera_bind_address,
    max_connections: v.galera_max_connections,
    innodb_buffer_pool_size: String(v.galera_innodb_buffer_pool_size),
    provider_options: `gcache.size=${v.galera_gcache_size}`,
    slave_threads: v.galera_wsrep_slave_threads,
    sst_method: v.galera_sst_method,
    extra: Object.entries(v.galera_extra_options)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, val]) => [k, optionValue(val)]),
  };
}

/** 61-galera-sst.cnf (root:mysql 0640): the mariabackup SST account, a secret kept out of galera.cnf. */
export function sstAuthFile(v: Pick<GaleraVars, "galera_sst_user" | "galera_sst_password">): string {
  return [
    "# Managed by do-converge (role galera): the account the donor's mariabackup SST logs in with.",
    "[galera]",
    `wsrep_sst_auth = ${optionValue(`${v.galera_sst_user}:${v.galera_sst_password}`)}`,
    "",
  ].join("\n");
}
