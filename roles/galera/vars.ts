import { secret, z } from "do-converge";

// The variables of the galera roles, one schema for all of them: the package play, the cluster
// play and the arbitrator must agree on the group, the cluster name and the SST method.

const HostName = z.string().min(1);
/** A MariaDB size ("128M", "1G") or a byte count. */
const Size = z.union([z.string().regex(/^\d+[KMGT]?$/, "a size such as 128M or 1G"), z.number().int().positive()]);
const SqlName = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "letters, digits and _ only");

/** Every variable of the galera roles; each role takes the part it needs. */
export const galeraShape = {
  /** The inventory group of the data nodes (from the DigitalOcean tag `database`). */
  galera_group: HostName.default("database"),
  /** wsrep_cluster_name: nodes only join a cluster of the same name. */
  galera_cluster_name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - only").default("wordpress"),
  /** The node that founds a new cluster; default: the first host of galera_group. */
  galera_bootstrap_node: HostName.optional(),
  /** State snapshot transfer: mariabackup (non-blocking donor) or rsync (donor blocks writes). */
  galera_sst_method: z.enum(["mariabackup", "rsync"]).default("mariabackup"),
  /** The MariaDB account mariabackup SST logs in with (on the donor, through the socket). */
  galera_sst_user: SqlName.default("mariabackup"),
  /** Its password (a secret, in secrets.yml; unused with rsync). */
  galera_sst_password: secret(),
  /** Where MariaDB listens for clients: all addresses, or the node's private one ("private"). */
  galera_bind_address: z.union([z.literal("private"), z.ipv4()]).default("0.0.0.0"),
  /** innodb_buffer_pool_size: small by default so three nodes fit a small droplet (and the lab). */
  galera_innodb_buffer_pool_size: Size.default("128M"),
  /** gcache.size: how many writes a returning node can catch up on by IST instead of a full SST. */
  galera_gcache_size: Size.default("128M"),
  /** wsrep_slave_threads: parallel appliers of replicated writes. */
  galera_wsrep_slave_threads: z.number().int().min(1).max(512).default(1),
  /** max_connections of each node. */
  galera_max_connections: z.number().int().min(10).default(151),
  /** More [galera] settings, written as given (e.g. { wsrep_debug: "OFF" }). */
  galera_extra_options: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** The inventory host running the arbitrator garbd (it votes, holds no data): for 2 data nodes. */
  galera_arbitrator: HostName.optional(),
  /** Seconds to wait for a (re)started node to reach Synced. */
  galera_sync_timeout: z.number().int().min(10).default(900),
  /** The clustercheck HTTP health endpoint's TCP port (HAProxy's httpchk). */
  clustercheck_port: z.number().int().min(1).max(65535).default(9200),
  /** The system user the check runs as, and the MariaDB account (unix_socket, no password) of the same name. */
  clustercheck_user: SqlName.default("clustercheck"),
  /** Answer 200 while this node is a donor (Donor/Desynced): off, so SST traffic is not sent clients. */
  clustercheck_allow_donor: z.boolean().default(false),
  /** The WordPress database, created once on the cluster. */
  wordpress_db_name: SqlName.default("wordpress"),
  /** The WordPress account. */
  wordpress_db_user: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/).default("wordpress"),
  /** Its password (a secret, in secrets.yml). */
  wordpress_db_password: secret(),
  /** Where the WordPress account may log in from: the web nodes come through HAProxy. */
  wordpress_db_user_host: z.string().min(1).default("%"),
};

/** The cluster play's variables: all of them. */
export const galeraVars = z.object(galeraShape);
export type GaleraVars = z.output<typeof galeraVars>;

const s = galeraShape;

/** The package play's: what to install and the health endpoint, no secrets. */
export const galeraPackagesVars = z.object({
  galera_group: s.galera_group,
  galera_sst_method: s.galera_sst_method,
  galera_arbitrator: s.galera_arbitrator,
  clustercheck_port: s.clustercheck_port,
  clustercheck_user: s.clustercheck_user,
  clustercheck_allow_donor: s.clustercheck_allow_donor,
});

/** The arbitrator's: which cluster to vote in, and where its members are. */
export const garbdVars = z.object({
  galera_group: s.galera_group,
  galera_cluster_name: s.galera_cluster_name,
});
