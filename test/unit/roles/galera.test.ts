import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  type MemberState,
  NIL_UUID,
  decideCluster,
  nodeAction,
  parseGrastate,
  parseProbe,
  parseRecoveredPosition,
  quorumWarning,
  toRecover,
  withRecovered,
} from "../../../roles/galera/cluster.js";
import { galeraNodeConfig, optionValue, sstAuthFile } from "../../../roles/galera/config.js";
import { galeraPackagesVars, galeraVars, garbdVars } from "../../../roles/galera/vars.js";
import { createTemplateEngine } from "../../../src/template/index.js";

const TEMPLATES = fileURLToPath(new URL("../../../templates/", import.meta.url));
const CLUSTERCHECK = fileURLToPath(new URL("../../../roles/galera/files/clustercheck", import.meta.url));
const UUID = "5a651ab9-ea1b-11f1-8989-e35ae5235bae";
const group = ["db1", "db2", "db3"];

function member(name: string, over: Partial<MemberState> = {}): MemberState {
  return { name, installed: true, active: "inactive", status: {}, grastate: undefined, stale: false, ...over };
}
const primary = (name: string, over: Record<string, string> = {}) =>
  member(name, {
    active: "active",
    status: { wsrep_cluster_status: "Primary", wsrep_cluster_state_uuid: UUID, wsrep_ready: "ON", wsrep_local_state_comment: "Synced", wsrep_cluster_size: "3", ...over },
  });
const stopped = (name: string, seqno: number, safe = false, uuid = UUID) => member(name, { grastate: { uuid, seqno, safeToBootstrap: safe } });
const standalone = (name: string) => member(name, { active: "active", status: { wsrep_cluster_status: "Disconnected", wsrep_ready: "OFF", wsrep_on: "OFF" } });

describe("grastate.dat", () => {
  it("reads uuid, seqno and safe_to_bootstrap as Galera writes them", () => {
    const text = `# GALERA saved state\nversion: 2.1\nuuid:    ${UUID}\nseqno:   17\nsafe_to_bootstrap: 1\n`;
    expect(parseGrastate(text)).toEqual({ uuid: UUID, seqno: 17, safeToBootstrap: true });
    expect(parseGrastate(text.replace("17", "-1").replace("bootstrap: 1", "bootstrap: 0"))).toEqual({ uuid: UUID, seqno: -1, safeToBootstrap: false });
  });
  it("a file without a uuid or a numeric seqno is no state", () => {
    expect(parseGrastate("")).toBeUndefined();
    expect(parseGrastate(`uuid: ${UUID}\nseqno: x\n`)).toBeUndefined();
  });
});

describe("a member's report", () => {
  it("parses the probe's lines", () => {
    const out = [
      "installed=1",
      "active=active",
      "grastate # GALERA saved state",
      `grastate uuid:    ${UUID}`,
      "grastate seqno:   -1",
      "grastate safe_to_bootstrap: 0",
      "stale=1",
      "status wsrep_cluster_status\tPrimary",
      "status wsrep_cluster_size\t3",
      "",
    ].join("\n");
    expect(parseProbe("db1", out)).toEqual({
      name: "db1",
      installed: true,
      active: "active",
      status: { wsrep_cluster_status: "Primary", wsrep_cluster_size: "3" },
      grastate: { uuid: UUID, seqno: -1, safeToBootstrap: false },
      stale: true,
    });
  });
  it("a host without MariaDB reports nothing more", () => {
    expect(parseProbe("db1", "installed=0\nactive=\n")).toMatchObject({ installed: false, active: "unknown", grastate: undefined, stale: false });
  });
});

describe("bootstrap or join", () => {
  it("a cluster exists when any member is Primary: never bootstrap, whatever grastate says", () => {
    const plan = decideCluster([stopped("db1", 40, true), primary("db2"), stopped("db3", 10)], { group });
    expect(plan).toEqual({ kind: "exists", primary: ["db2"], uuid: UUID });
  });

  it("two primary components of different clusters are refused", () => {
    const plan = decideCluster([primary("db1"), primary("db2", { wsrep_cluster_state_uuid: "other" })], { group });
    expect(plan.kind).toBe("refuse");
  });

  it("a node left in a non-Primary component is not bootstrapped around", () => {
    const plan = decideCluster([member("db1", { active: "active", status: { wsrep_cluster_status: "non-Primary" } }), stopped("db2", 5), stopped("db3", 5)], { group });
    expect(plan.kind).toBe("refuse");
    expect(plan.kind === "refuse" && plan.message).toContain("pc.bootstrap=YES");
  });

  it("a fresh install founds the cluster on the group's first host, and says why", () => {
    const plan = decideCluster([standalone("db1"), standalone("db2"), standalone("db3")], { group });
    expect(plan).toMatchObject({ kind: "bootstrap", node: "db1", fresh: true, markSafe: false });
    expect(plan.kind === "bootstrap" && plan.reason).toContain("the group's first host");
  });

  it("a fresh install founds it on galera_bootstrap_node when set", () => {
    const nil = member("db1", { grastate: { uuid: NIL_UUID, seqno: -1, safeToBootstrap: false } });
    const plan = decideCluster([nil, standalone("db2"), standalone("db3")], { group, bootstrapNode: "db2" });
    expect(plan).toMatchObject({ kind: "bootstrap", node: "db2", fresh: true });
    expect(plan.kind === "bootstrap" && plan.reason).toContain("galera_bootstrap_node");
  });

  it("refuses a galera_bootstrap_node outside the group", () => {
    expect(decideCluster([standalone("db1")], { group: ["db1"], bootstrapNode: "web1" }).kind).toBe("refuse");
  });

  it("after a full stop, the node marked safe_to_bootstrap re-founds the same cluster", () => {
    const plan = decideCluster([stopped("db1", 15), stopped("db2", 17, true), stopped("db3", 16)], { group });
    expect(plan).toMatchObject({ kind: "bootstrap", node: "db2", fresh: false, markSafe: false });
  });

  it("with no node marked safe but every seqno known, the highest seqno, marked safe first", () => {
    const plan = decideCluster([stopped("db1", 15), stopped("db2", 12), stopped("db3", 16)], { group });
    expect(plan).toMatchObject({ kind: "bootstrap", node: "db3", fresh: false, markSafe: true });
  });

  it("a seqno tie goes to galera_bootstrap_node, else to inventory order", () => {
    const states = [stopped("db1", 16), stopped("db2", 16), stopped("db3", 16)];
    expect(decideCluster(states, { group })).toMatchObject({ node: "db1" });
    expect(decideCluster(states, { group, bootstrapNode: "db3" })).toMatchObject({ node: "db3" });
  });

  it("refuses when a crashed node's position is unknown and none is safe, telling what to do", () => {
    const plan = decideCluster([stopped("db1", -1), stopped("db2", -1), stopped("db3", 30)], { group });
    expect(plan.kind).toBe("refuse");
    const msg = plan.kind === "refuse" ? plan.message : "";
    expect(msg).toContain("--wsrep-recover");
    expect(msg).toContain("safe_to_bootstrap: 1");
    expect(msg).toContain("db1: uuid");
  });

  it("refuses members holding the histories of different clusters", () => {
    const plan = decideCluster([stopped("db1", 5, true), stopped("db2", 5, false, "11111111-2222-3333-4444-555555555555")], { group });
    expect(plan.kind).toBe("refuse");
  });

  it("a new node beside stopped members does not count as history", () => {
    const plan = decideCluster([standalone("db1"), stopped("db2", 9), stopped("db3", 8)], { group });
    expect(plan).toMatchObject({ kind: "bootstrap", node: "db2", markSafe: true });
  });
});

describe("positions lost in a crash", () => {
  it("are recovered only for stopped nodes, only when grastate.dat leaves the choice open", () => {
    const crashed = [stopped("db1", -1), member("db2", { active: "failed", grastate: { uuid: UUID, seqno: -1, safeToBootstrap: false } }), stopped("db3", 30)];
    expect(toRecover(crashed)).toEqual(["db1", "db2"]);
    expect(toRecover([...crashed.slice(0, 2), stopped("db3", 30, true)])).toEqual([]);
    expect(toRecover([stopped("db1", -1), primary("db2")])).toEqual([]);
    expect(toRecover([stopped("db1", -1), member("db2", { active: "activating", grastate: { uuid: UUID, seqno: -1, safeToBootstrap: false } })])).toEqual([]);
    expect(toRecover([stopped("db1", 3), stopped("db2", 4)])).toEqual([]);
  });

  it("galera_recovery's position replaces seqno -1 for the same history, and the highest is chosen", () => {
    const pos = parseRecoveredPosition(`--wsrep_start_position=${UUID}:33\n`);
    expect(pos).toEqual({ uuid: UUID, seqno: 33 });
    expect(parseRecoveredPosition("")).toBeUndefined();
    const db1 = withRecovered(stopped("db1", -1), pos);
    expect(db1.grastate?.seqno).toBe(33);
    expect(withRecovered(stopped("db1", -1), { uuid: "other", seqno: 50 }).grastate?.seqno).toBe(-1);
    expect(decideCluster([db1, stopped("db2", 30)], { group })).toMatchObject({ kind: "bootstrap", node: "db1", markSafe: true });
  });
});

describe("what a node does in an existing cluster", () => {
  it("joins unless Primary; restarts only for a config newer than the server", () => {
    expect(nodeAction(stopped("db1", 3))).toBe("join");
    expect(nodeAction(standalone("db1"))).toBe("join");
    expect(nodeAction(primary("db1"))).toBe("none");
    expect(nodeAction({ ...primary("db1"), stale: true })).toBe("restart");
    expect(nodeAction({ ...primary("db1", { wsrep_cluster_size: "1" }), stale: true })).toBe("restart-last");
  });
});

describe("odd node count", () => {
  it("warns on an even number of votes, with the arbitrator hint for two data nodes", () => {
    expect(quorumWarning(3, 0)).toBeUndefined();
    expect(quorumWarning(2, 1)).toBeUndefined();
    expect(quorumWarning(4, 0)).toContain("even number of votes (4)");
    expect(quorumWarning(2, 0)).toContain("galera_arbitrator");
  });
});

const secrets = { galera_sst_password: "s3cretSST", wordpress_db_password: "s3cretWP!" };
const members = [
  { name: "db1", address: "10.77.0.10" },
  { name: "db2", address: "10.77.0.11" },
  { name: "db3", address: "10.77.0.12" },
];

describe("variables", () => {
  it("have sane defaults and require the secrets", () => {
    const v = galeraVars.parse(secrets);
    expect(v).toMatchObject({
      galera_group: "database",
      galera_cluster_name: "wordpress",
      galera_sst_method: "mariabackup",
      clustercheck_port: 9200,
      wordpress_db_name: "wordpress",
      wordpress_db_user: "wordpress",
      wordpress_db_user_host: "%",
    });
    expect(v.galera_bootstrap_node).toBeUndefined();
    expect(galeraVars.safeParse({}).success).toBe(false);
    expect(galeraPackagesVars.parse({}).clustercheck_allow_donor).toBe(false);
    expect(garbdVars.parse({})).toEqual({ galera_group: "database", galera_cluster_name: "wordpress" });
  });
});

describe("galera.cnf", () => {
  const engine = createTemplateEngine({ searchPaths: [TEMPLATES] });
  const render = (over: Record<string, unknown> = {}) => {
    const v = galeraVars.parse({ ...secrets, ...over });
    return engine.renderFile("galera.cnf.njk", { galera: galeraNodeConfig(v, members[1] as (typeof members)[number], members) });
  };

  it("names the cluster, every member's private address and this node", () => {
    const text = render();
    expect(text).toContain("wsrep_on = ON\n");
    expect(text).toContain("wsrep_cluster_name = wordpress\n");
    expect(text).toContain("wsrep_cluster_address = gcomm://10.77.0.10,10.77.0.11,10.77.0.12\n");
    expect(text).toContain("wsrep_node_name = db2\nwsrep_node_address = 10.77.0.11\n");
    expect(text).toContain("wsrep_sst_method = mariabackup\n");
    expect(text).toContain("bind-address = 0.0.0.0\n");
    expect(text).toContain("innodb_buffer_pool_size = 128M\n");
    expect(text).toContain('wsrep_provider_options = "gcache.size=128M"\n');
    expect(text).not.toContain(secrets.galera_sst_password);
  });

  it("binds the private address on request and writes extra options sorted, quoted when needed", () => {
    const text = render({ galera_bind_address: "private", galera_extra_options: { wsrep_sync_wait: 1, wsrep_debug: "SERVER a" } });
    expect(text).toContain("bind-address = 10.77.0.11\n");
    expect(text).toMatch(/wsrep_debug = "SERVER a"\nwsrep_sync_wait = 1\n$/);
  });

  it("keeps the SST credentials in their own file", () => {
    expect(sstAuthFile({ galera_sst_user: "mariabackup", galera_sst_password: "ab:c#d" })).toContain('[galera]\nwsrep_sst_auth = "mariabackup:ab:c#d"\n');
    expect(optionValue("plain")).toBe("plain");
    expect(optionValue(true)).toBe("ON");
    expect(optionValue('a"b\\')).toBe('"a\\"b\\\\"');
  });
});

describe("the other templates", () => {
  const engine = createTemplateEngine({ searchPaths: [TEMPLATES] });
  it("clustercheck units: a socket with Accept=yes on the port, a template service as the unprivileged user", () => {
    const socket = engine.renderFile("clustercheck.socket.njk", { clustercheck_port: 9201 });
    expect(socket).toContain("ListenStream=9201\nAccept=yes\n");
    const service = engine.renderFile("clustercheck@.service.njk", { clustercheck_user: "clustercheck", clustercheck_allow_donor: true });
    expect(service).toContain("User=clustercheck\n");
    expect(service).toContain("StandardInput=socket\n");
    expect(service).toContain("Environment=CLUSTERCHECK_ALLOW_DONOR=1\n");
  });
  it("garbd: the data nodes and the cluster's name", () => {
    const text = engine.renderFile("garb.njk", { garbd_nodes: ["10.77.0.10", "10.77.0.11"], galera_cluster_name: "wordpress" });
    expect(text).toContain('GALERA_NODES="10.77.0.10,10.77.0.11"\n');
    expect(text).toContain('GALERA_GROUP="wordpress"\n');
  });
});

describe("the clustercheck script", () => {
  const dir = mkdtempSync(join(tmpdir(), "clustercheck-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bash = spawnSync("bash", ["--version"]).status === 0;

  /** Runs the script with a fake `mysql` that reports `state` (or fails when undefined). */
  function check(state: string | undefined, env: Record<string, string> = {}): string {
    const fake = join(dir, "mysql");
    writeFileSync(fake, state === undefined ? "#!/bin/sh\nexit 1\n" : `#!/bin/sh\nprintf 'wsrep_local_state_comment\\t%s\\n' '${state}'\n`);
    chmodSync(fake, 0o755);
    return execFileSync("bash", [CLUSTERCHECK], {
      input: "GET / HTTP/1.1\r\nHost: db1\r\n\r\n",
      env: { PATH: `${dir}:${process.env.PATH ?? ""}`, ...env },
      encoding: "utf8",
    });
  }
  const statusLine = (out: string) => out.split("\r\n")[0];

  it.skipIf(!bash)("answers 200 only when Synced", () => {
    const out = check("Synced");
    expect(statusLine(out)).toBe("HTTP/1.1 200 OK");
    const [head, body] = out.split("\r\n\r\n") as [string, string];
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(statusLine(check("Joining: receiving State Transfer"))).toBe("HTTP/1.1 503 Service Unavailable");
    expect(statusLine(check(undefined))).toBe("HTTP/1.1 503 Service Unavailable");
  });

  it.skipIf(!bash)("a donor answers 503 unless allowed", () => {
    expect(statusLine(check("Donor/Desynced"))).toBe("HTTP/1.1 503 Service Unavailable");
    expect(statusLine(check("Donor/Desynced", { CLUSTERCHECK_ALLOW_DONOR: "1" }))).toBe("HTTP/1.1 200 OK");
  });
});
