import { fileURLToPath } from "node:url";
import { type Host, role } from "do-converge";
import { privateAddress } from "../common/addresses.js";
import {
  type ClusterPlan,
  type MemberState,
  PROBE_SCRIPT,
  decideCluster,
  isPrimary,
  isSynced,
  nodeAction,
  parseProbe,
  parseRecoveredPosition,
  quorumWarning,
  toRecover,
  withRecovered,
} from "./cluster.js";
import { type Member, galeraNodeConfig, sstAuthFile } from "./config.js";
import { type GaleraVars, galeraPackagesVars, galeraVars } from "./vars.js";

export { garbd } from "./garbd.js";

// MariaDB Galera on the data nodes, in two roles for two plays:
// galera_packages installs in parallel (mariadb-server's postinst starts a standalone server,
// which is harmless without a wsrep config: docs/debian12-notes.md, 1); galera writes the config
// and forms, joins or restarts the cluster in a `serial: 1` play, one node at a time.

/** files/ (the clustercheck script) is here whatever the site's directory; templates are the site's. */
const ROLE_DIR = fileURLToPath(new URL(".", import.meta.url));
const CONFIG = "/etc/mysql/mariadb.conf.d/60-galera.cnf";
/** wsrep_sst_auth apart, root:mysql 0640: galera.cnf stays world-readable and its diffs showable. */
const SST_AUTH = "/etc/mysql/mariadb.conf.d/61-galera-sst.cnf";

type GaleraHost = Host<GaleraVars>;

/** Task meta that runs a task on `node`: delegated unless it is the host itself. */
function on(h: Host, node: string): { delegateTo?: string } {
  return node === h.name ? {} : { delegateTo: node };
}

function dataNodes(h: Host, group: string): Member[] {
  return (h.groups[group] ?? []).map((name) => ({ name, address: privateAddress(h.hostvars(name)) }));
}

/** A member's report (read-only: runs in check mode too). */
async function probe(h: Host, node: string): Promise<MemberState> {
  const r = await h.shell({ cmd: PROBE_SCRIPT }, { name: `galera state of ${node}`, ...on(h, node), readsOnly: true });
  return parseProbe(node, r.stdout);
}

async function waitSynced(h: Host, node: string, timeout: number): Promise<void> {
  const delay = 3;
  await h.shell(
    { cmd: PROBE_SCRIPT },
    {
      name: `wait until ${node} is Synced (wsrep_ready ON)`,
      ...on(h, node),
      changedWhen: false,
      checkMode: false,
      retries: Math.ceil(timeout / delay),
      delay,
      until: (r) => isSynced(parseProbe(node, r.stdout)),
    },
  );
}

/**
 * Writes `node`'s config from its own variables, so that the files are the same whether the
 * node's own batch writes them or another's (before bootstrapping that node) does. True when
 * something changed.
 */
async function writeConfig(h: GaleraHost, node: string, members: readonly Member[]): Promise<boolean> {
  const self = members.find((m) => m.name === node);
  if (!self) throw new Error(`${node} is not in the galera group`);
  const vars = node === h.name ? h.vars : galeraVars.parse(h.hostvars(node));
  const cfg = galeraNodeConfig(vars, self, members);
  const meta = { ...on(h, node), ...(node === h.name ? { notify: "restart mariadb" } : {}) };
  const main = await h.template(
    { src: "galera.cnf.njk", dest: CONFIG, owner: "root", group: "root", mode: "0644", vars: { galera: cfg } },
    { name: `galera config of ${node}`, ...meta },
  );
  const auth =
    vars.galera_sst_method === "mariabackup"
      ? await h.copy(
          { dest: SST_AUTH, content: sstAuthFile(vars), owner: "root", group: "mysql", mode: "0640" },
          // The password is a secret() value: masked in the diff (********).
          { name: `SST credentials of ${node}`, ...meta },
        )
      : await h.file({ path: SST_AUTH, state: "absent" }, { name: `no SST credentials on ${node} (rsync)`, ...meta });
  return main.changed || auth.changed;
}


/** Founds the cluster on plan.node: never called while a member is Primary. */
async function bootstrap(h: GaleraHost, v: GaleraVars, plan: Extract<ClusterPlan, { kind: "bootstrap" }>, members: readonly Member[]): Promise<void> {
  const b = plan.node;
  await h.debug(`galera: no member is Primary: bootstrapping ${plan.reason}`);
  if (b !== h.name) await writeConfig(h, b, members);
  if (plan.markSafe) {
    await h.shell(
      { cmd: "sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' /var/lib/mysql/grastate.dat" },
      { name: `mark ${b} safe_to_bootstrap (every seqno known, ${b}'s is the highest)`, ...on(h, b) },
    );
  }
  await h.command({ argv: ["galera_new_cluster"] }, { name: `bootstrap: ${plan.reason}`, ...on(h, b) });
  if (!h.check) await waitSynced(h, b, v.galera_sync_timeout);
}

/**
 * The handler: restart this node when its config is newer than the running server (so a restart
 * already done by a join is not repeated), then wait until it is Synced, before the next batch.
 * In check mode nothing was written, so a notified handler reports the restart it would do.
 */
async function restartIfStale(h: GaleraHost, notified: boolean): Promise<void> {
  const v = h.vars;
  const found = await probe(h, h.name);
  const self = h.check && notified ? { ...found, stale: true } : found;
  const action = nodeAction(self);
  if (action !== "restart" && action !== "restart-last") return;
  if (action === "restart-last") {
    // The only running member: a plain restart would end the cluster. A clean stop marks it
    // safe_to_bootstrap, and founding again from it continues the same history (same uuid).
    await h.shell(
      { cmd: "systemctl stop mariadb.service && galera_new_cluster" },
      { name: `restart ${h.name}, the cluster's only running member, as its founder (same cluster uuid)` },
    );
  } else {
    await h.systemd({ name: "mariadb", state: "restarted" }, { name: `rolling restart of ${h.name}: its config changed` });
  }
  if (!h.check) await waitSynced(h, h.name, v.galera_sync_timeout);
}

/**
 * The packages and the health endpoint, on every data node at once. Its play may run in
 * parallel: nothing here restarts MariaDB.
 */
export const galeraPackages = role({
  name: "galera_packages",
  dir: ROLE_DIR,
  vars: galeraPackagesVars,
  handlers: {
    "restart clustercheck.socket": async (h) => {
      await h.command({ argv: ["systemctl", "daemon-reload"] }, { name: "systemctl daemon-reload" });
      await h.systemd({ name: "clustercheck.socket", state: "restarted" });
    },
  },
  async tasks(h, v) {
    const group = h.groups[v.galera_group] ?? [];
    await h.runOnce("galera quorum check", async () => {
      const warning = quorumWarning(group.length, v.galera_arbitrator === undefined ? 0 : 1);
      if (warning) await h.debug(`WARNING: ${warning}`);
    });
    await h.apt(
      { name: ["mariadb-server", "mariadb-client", "galera-4", ...(v.galera_sst_method === "mariabackup" ? ["mariadb-backup", "socat"] : ["rsync"])] },
      { name: "MariaDB and Galera packages" },
    );
    await h.user(
      { name: v.clustercheck_user, system: true, shell: "/usr/sbin/nologin", home: "/nonexistent", create_home: false, comment: "Galera clustercheck" },
      { name: `clustercheck user ${v.clustercheck_user}` },
    );
    await h.copy({ src: "clustercheck", dest: "/usr/local/bin/clustercheck", owner: "root", group: "root", mode: "0755" }, { name: "clustercheck script" });
    await h.template(
      { src: "clustercheck@.service.njk", dest: "/etc/systemd/system/clustercheck@.service", owner: "root", group: "root", mode: "0644" },
      { name: "clustercheck@.service", notify: "restart clustercheck.socket" },
    );
    await h.template(
      { src: "clustercheck.socket.njk", dest: "/etc/systemd/system/clustercheck.socket", owner: "root", group: "root", mode: "0644" },
      { name: "clustercheck.socket", notify: "restart clustercheck.socket" },
    );
    // In check mode on a fresh host the unit file was not written: nothing to start yet.
    if (!h.check || (await h.stat({ path: "/etc/systemd/system/clustercheck.socket" })).exists) {
      await h.systemd({ name: "clustercheck.socket", state: "started", enabled: true }, { name: `clustercheck on port ${v.clustercheck_port}` });
    }
  },
});

/**
 * The cluster, one node at a time (its play must be `serial: 1`): config, then bootstrap or
 * join (docs/architecture.md, defects of the original), rolling restarts for config changes, and the accounts the site needs.
 */
export const galera = role({
  name: "galera",
  dir: ROLE_DIR,
  vars: galeraVars,
  handlers: {
    "restart mariadb": (h) => restartIfStale(h, true),
  },
  async tasks(h, v) {
    const group = h.groups[v.galera_group] ?? [];
    if (!group.includes(h.name)) return h.fail(`${h.name} is not in galera_group ${v.galera_group}: the galera role runs on the data nodes only`);
    if (v.galera_arbitrator !== undefined && group.includes(v.galera_arbitrator)) {
      return h.fail(`galera_arbitrator ${v.galera_arbitrator} is a data node; the arbitrator must be another host`);
    }
    const members = dataNodes(h, v.galera_group);

    const configChanged = await writeConfig(h, h.name, members);
    let self = await probe(h, h.name);
    if (!self.installed) {
      if (!h.check) return h.fail("mariadb-server is not installed: run the galera_packages role (in a play before this one) first");
      await h.debug("mariadb-server is not installed yet (check mode): the cluster's state is not judged");
      return;
    }
    await h.systemd({ name: "mariadb", enabled: true }, { name: "mariadb enabled at boot" });

    // Asking the others is only needed when this node is not in a primary component itself.
    let primary = h.name;
    let founded = false;
    if (!isPrimary(self)) {
      const states: MemberState[] = [];
      for (const m of members) states.push(m.name === h.name ? self : await probe(h, m.name));
      let plan = decideCluster(states, { group, bootstrapNode: v.galera_bootstrap_node });
      // After a crash of every node, their positions are in InnoDB, not in grastate.dat: read
      // them (what mariadb.service's own ExecStartPre does at each start) and decide again.
      const unknown = plan.kind === "refuse" && !h.check ? toRecover(states) : [];
      if (unknown.length > 0) {
        for (const [i, m] of states.entries()) {
          if (!unknown.includes(m.name)) continue;
          const r = await h.command(
            { argv: ["galera_recovery"] },
            { name: `recover ${m.name}'s last committed position (mariadbd --wsrep-recover)`, ...on(h, m.name), changedWhen: false },
          );
          states[i] = withRecovered(m, parseRecoveredPosition(r.stdout));
        }
        plan = decideCluster(states, { group, bootstrapNode: v.galera_bootstrap_node });
      }
      if (plan.kind === "refuse") return h.fail(`galera: ${plan.message}`);
      if (plan.kind === "bootstrap") {
        await bootstrap(h, v, plan, members);
        primary = plan.node;
        founded = plan.node === h.name;
        if (founded) self = await probe(h, h.name);
      } else {
        primary = plan.primary[0] ?? h.name;
      }
    }

    // The SST account must exist before the first joiner needs a donor: created on the primary
    // component (right after a bootstrap), replication carries it to every node.
    if (v.galera_sst_method === "mariabackup") {
      await h.mysql_user(
        { name: v.galera_sst_user, host: "localhost", password: v.galera_sst_password, priv: "*.*:RELOAD,PROCESS,LOCK TABLES,BINLOG MONITOR" },
        { name: `SST account ${v.galera_sst_user} (on ${primary})`, ...on(h, primary), noLog: true },
      );
    }

    // In check mode a founding was only reported, so this node is not Primary: nothing more to say.
    const action = founded && h.check ? "none" : nodeAction(self);
    if (action === "join") {
      await h.systemd({ name: "mariadb", state: "restarted" }, { name: `${h.name} joins the cluster (restart; state transfer from a donor)` });
      if (!h.check) await waitSynced(h, h.name, v.galera_sync_timeout);
    } else {
      if (!isSynced(self) && !h.check) await waitSynced(h, h.name, v.galera_sync_timeout);
      // A config written by an earlier, interrupted run: nothing notified the handler.
      if (action !== "none" && !configChanged) await restartIfStale(h, false);
    }
    // A changed config restarts here, before the accounts and before the next node's batch.
    await h.flushHandlers();

    await h.mysql_user({ name: v.clustercheck_user, host: "localhost", plugin: "unix_socket" }, { name: `clustercheck account ${v.clustercheck_user} (unix_socket)` });
    await h.mysql_db({ name: v.wordpress_db_name, encoding: "utf8mb4" }, { name: `database ${v.wordpress_db_name}` });
    await h.mysql_user(
      { name: v.wordpress_db_user, host: v.wordpress_db_user_host, password: v.wordpress_db_password, priv: `${v.wordpress_db_name}.*:ALL` },
      { name: `account ${v.wordpress_db_user}@${v.wordpress_db_user_host}`, noLog: true },
    );
  },
});
