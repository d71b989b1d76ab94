// The Galera cluster's state as the members report it, and the one decision that must never be
// wrong: found a new cluster (bootstrap) or join the one that exists. Pure functions: the role
// gathers each member's report (PROBE_SCRIPT) and acts on what these return.

/** What a node's grastate.dat says about its place in the cluster's history. */
export interface Grastate {
  uuid: string;
  /** The last committed write's sequence number; -1 while running or after a crash. */
  seqno: number;
  /** Galera marks the last node to leave a cluster cleanly as the one safe to found it again. */
  safeToBootstrap: boolean;
}

/** A history that is no history: a node that never joined writes this uuid (or none). */
export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export function parseGrastate(text: string): Grastate | undefined {
  const field = (key: string): string | undefined => {
    const m = new RegExp(`^${key}:\\s*(\\S+)\\s*$`, "m").exec(text);
    return m?.[1];
  };
  const uuid = field("uuid");
  const seqno = field("seqno");
  if (uuid === undefined || seqno === undefined || !/^-?\d+$/.test(seqno)) return undefined;
  return { uuid, seqno: Number.parseInt(seqno, 10), safeToBootstrap: field("safe_to_bootstrap") === "1" };
}

/** One member as PROBE_SCRIPT reports it. */
export interface MemberState {
  name: string;
  /** mariadb-server is installed (in check mode on a fresh host it may not be yet). */
  installed: boolean;
  /** systemd's ActiveState of mariadb.service. */
  active: string;
  /** SHOW GLOBAL STATUS / VARIABLES (wsrep_*), when the server answered. */
  status: Readonly<Record<string, string>>;
  grastate: Grastate | undefined;
  /** A galera config file is newer than the running server: it needs a restart to apply it. */
  stale: boolean;
}

/**
 * The read-only report of one member, for parseProbe. The status query goes through the socket
 * as root (Debian's MariaDB root authenticates by unix_socket); a stopped server reports none.
 */
export const PROBE_SCRIPT = String.raw`
echo "installed=$(test -x /usr/sbin/mariadbd && echo 1 || echo 0)"
echo "active=$(systemctl show -p ActiveState --value mariadb.service 2>/dev/null)"
if test -f /var/lib/mysql/grastate.dat; then sed 's/^/grastate /' /var/lib/mysql/grastate.dat; fi
pid=/run/mysqld/mysqld.pid
if test -f "$pid" && test -n "$(find /etc/mysql/mariadb.conf.d/60-galera.cnf /etc/mysql/mariadb.conf.d/61-galera-sst.cnf -newer "$pid" 2>/dev/null)"; then echo stale=1; fi
if systemctl is-active --quiet mariadb.service; then
  mysql --protocol=socket -NB -e "SHOW GLOBAL STATUS LIKE 'wsrep%'; SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_provider', 'wsrep_cluster_address')" 2>/dev/null | sed 's/^/status /'
fi
exit 0
`;

export function parseProbe(name: string, stdout: string): MemberState {
  const status: Record<string, string> = {};
  const grastate: string[] = [];
  let installed = false;
  let active = "unknown";
  let stale = false;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("installed=")) installed = line.slice(10) === "1";
    else if (line.startsWith("active=")) active = line.slice(7) || "unknown";
    else if (line === "stale=1") stale = true;
    else if (line.startsWith("grastate ")) grastate.push(line.slice(9));
    else if (line.startsWith("status ")) {
      const [key, ...rest] = line.slice(7).split("\t");
      if (key) status[key] = rest.join("\t");
    }
  }
  return { name, installed, active, status, grastate: parseGrastate(grastate.join("\n")), stale };
}

/** The member belongs to a primary component: a cluster exists and it is in it. */
export function isPrimary(m: MemberState): boolean {
  return m.status.wsrep_cluster_status === "Primary";
}

/** In the primary component, ready for queries and not donating or catching up. */
export function isSynced(m: MemberState): boolean {
  return isPrimary(m) && m.status.wsrep_ready === "ON" && m.status.wsrep_local_state_comment === "Synced";
}

function hasHistory(m: MemberState): m is MemberState & { grastate: Grastate } {
  return m.grastate !== undefined && m.grastate.uuid !== NIL_UUID;
}

export type ClusterPlan =
  /** Some member is Primary: never bootstrap; members that are not in it join. */
  | { kind: "exists"; primary: string[]; uuid: string }
  /** No member is Primary: found (or re-found) the cluster on exactly this node. */
  | {
      kind: "bootstrap";
      node: string;
      /** Why this node, for the task name and the operator. */
      reason: string;
      /** No member has a cluster history: a new cluster with a new uuid. */
      fresh: boolean;
      /** Chosen by seqno although no node is marked safe: mark it safe_to_bootstrap first. */
      markSafe: boolean;
    }
  /** Deciding would risk losing writes: the operator must look. */
  | { kind: "refuse"; message: string };

export interface DecideOptions {
  /** The data nodes in inventory order. */
  group: readonly string[];
  /** galera_bootstrap_node: the founder of a new cluster (default: the group's first host). */
  bootstrapNode?: string | undefined;
}

function grastateLine(m: MemberState): string {
  if (!m.grastate) return `${m.name}: no grastate.dat`;
  return `${m.name}: uuid ${m.grastate.uuid}, seqno ${m.grastate.seqno}, safe_to_bootstrap ${m.grastate.safeToBootstrap ? 1 : 0}`;
}

/**
 * Bootstrap or join, from every member's report (docs/architecture.md, defects of the original). A cluster exists when some member
 * is Primary; then nothing is ever bootstrapped. Otherwise exactly one node founds it: on a fresh
 * install (no member has a history) galera_bootstrap_node or the group's first host; after a
 * full-cluster stop the node grastate.dat marks safe_to_bootstrap, else the one with the highest
 * seqno when every node's seqno is known. A less certain state is refused with what to do.
 */
export function decideCluster(members: readonly MemberState[], opts: DecideOptions): ClusterPlan {
  const primary = members.filter(isPrimary);
  if (primary.length > 0) {
    const uuids = [...new Set(primary.map((m) => m.status.wsrep_cluster_state_uuid ?? ""))];
    if (uuids.length > 1) {
      const who = primary.map((m) => `${m.name}: ${m.status.wsrep_cluster_state_uuid ?? "?"}`).join("; ");
      return { kind: "refuse", message: `members are Primary in different clusters (${who}): a split cluster; join them by hand, nothing was changed` };
    }
    return { kind: "exists", primary: primary.map((m) => m.name), uuid: uuids[0] ?? "" };
  }

  // A running node outside every primary component (quorum lost) still holds writes that the
  // others may lack; restarting or bootstrapping around it could throw them away.
  const stranded = members.filter((m) => m.status.wsrep_cluster_status === "non-Primary");
  if (stranded.length > 0) {
    return {
      kind: "refuse",
      message:
        `no member is Primary, and ${stranded.map((m) => m.name).join(", ")} run${stranded.length === 1 ? "s" : ""} in a non-Primary component (quorum lost). ` +
        "Not bootstrapping automatically: on the most advanced of them (highest wsrep_last_committed) run " +
        `"SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'", then converge again`,
    };
  }

  const history = members.filter(hasHistory);
  if (history.length === 0) {
    const node = opts.bootstrapNode ?? opts.group[0];
    if (node === undefined) return { kind: "refuse", message: "the galera group has no hosts" };
    if (!members.some((m) => m.name === node)) {
      return { kind: "refuse", message: `galera_bootstrap_node ${node} is not a member of the galera group (${opts.group.join(", ")})` };
    }
    const reason = opts.bootstrapNode !== undefined ? "galera_bootstrap_node" : "galera_bootstrap_node unset: the group's first host";
    return { kind: "bootstrap", node, reason: `new cluster on ${node} (${reason})`, fresh: true, markSafe: false };
  }

  const uuids = [...new Set(history.map((m) => m.grastate.uuid))];
  if (uuids.length > 1) {
    return {
      kind: "refuse",
      message: `members hold the histories of different clusters (${history.map(grastateLine).join("; ")}); decide which to keep, nothing was changed`,
    };
  }

  // Ties go to the node the operator named, then to inventory order: a stable, explicit choice.
  const rank = (m: MemberState) => (m.name === opts.bootstrapNode ? -1 : opts.group.indexOf(m.name));
  const best = (ms: readonly (MemberState & { grastate: Grastate })[]) =>
    [...ms].sort((a, b) => b.grastate.seqno - a.grastate.seqno || rank(a) - rank(b))[0];

  const safe = history.filter((m) => m.grastate.safeToBootstrap);
  const chosenSafe = best(safe);
  if (chosenSafe) {
    return {
      kind: "bootstrap",
      node: chosenSafe.name,
      reason: `recovering cluster ${chosenSafe.grastate.uuid} on ${chosenSafe.name} (grastate.dat: safe_to_bootstrap 1, seqno ${chosenSafe.grastate.seqno})`,
      fresh: false,
      markSafe: false,
    };
  }

  const unknown = history.filter((m) => m.grastate.seqno < 0);
  const chosen = best(history);
  if (unknown.length === 0 && chosen) {
    return {
      kind: "bootstrap",
      node: chosen.name,
      reason: `recovering cluster ${chosen.grastate.uuid} on ${chosen.name} (no node marked safe; highest seqno ${chosen.grastate.seqno})`,
      fresh: false,
      markSafe: true,
    };
  }

  return {
    kind: "refuse",
    message:
      `no member is Primary and grastate.dat cannot tell which node is most advanced (${history.map(grastateLine).join("; ")}). ` +
      "On each stopped node run `sudo -u mysql mariadbd --wsrep-recover` (or `galera_recovery`) and read the recovered position " +
      "(uuid:seqno) it logs; on the node with the highest seqno set `safe_to_bootstrap: 1` in /var/lib/mysql/grastate.dat; converge again",
  };
}

/**
 * The members whose last committed position only `mariadbd --wsrep-recover` can tell (a crash
 * left seqno -1), when that is what keeps decideCluster from choosing: no member is Primary or
 * stranded, none is marked safe. Only stopped ones: recovery must not race a starting server.
 */
export function toRecover(members: readonly MemberState[]): string[] {
  if (members.some((m) => isPrimary(m) || m.status.wsrep_cluster_status === "non-Primary")) return [];
  const history = members.filter(hasHistory);
  if (history.some((m) => m.grastate.safeToBootstrap)) return [];
  const unknown = history.filter((m) => m.grastate.seqno < 0);
  if (unknown.some((m) => m.active !== "inactive" && m.active !== "failed")) return [];
  return unknown.map((m) => m.name);
}

/** galera_recovery's answer: `--wsrep_start_position=UUID:SEQNO` on stdout. */
export function parseRecoveredPosition(stdout: string): { uuid: string; seqno: number } | undefined {
  const m = /--wsrep[-_]start[-_]position=([0-9a-f-]{36}):(-?\d+)/.exec(stdout);
  return m ? { uuid: m[1] as string, seqno: Number.parseInt(m[2] as string, 10) } : undefined;
}

/** The member with its recovered seqno in place of grastate's -1 (same history only). */
export function withRecovered(m: MemberState, pos: { uuid: string; seqno: number } | undefined): MemberState {
  if (!m.grastate || !pos || pos.uuid !== m.grastate.uuid || pos.seqno < 0) return m;
  return { ...m, grastate: { ...m.grastate, seqno: pos.seqno } };
}

/** What this node does once the cluster is known to exist. */
export type NodeAction =
  /** In the cluster and up to date with its config: nothing. */
  | "none"
  /** Not in the primary component (stopped, standalone, fresh): restart to join it. */
  | "join"
  /** In the cluster with a config newer than the server: a rolling restart. */
  | "restart"
  /** The only member left of the primary component: restarting would end the cluster. */
  | "restart-last";

export function nodeAction(self: MemberState): NodeAction {
  if (!isPrimary(self)) return "join";
  if (!self.stale) return "none";
  return self.status.wsrep_cluster_size === "1" ? "restart-last" : "restart";
}

/** Data nodes plus arbitrators: an even number of votes can split half and half, and stop. */
export function quorumWarning(dataNodes: number, arbitrators: number): string | undefined {
  const votes = dataNodes + arbitrators;
  if (votes % 2 === 1) return undefined;
  const hint = dataNodes === 2 && arbitrators === 0 ? "; for 2 data nodes set galera_arbitrator to a third host and run the garbd role there" : "";
  return `the galera cluster has ${dataNodes} data node${dataNodes === 1 ? "" : "s"} and ${arbitrators} arbitrator${arbitrators === 1 ? "" : "s"}: an even number of votes (${votes}) loses quorum when it splits in halves${hint}`;
}
