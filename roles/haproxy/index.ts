import { role, secret, z } from "do-converge";
import { privateAddress } from "../common/addresses.js";
import { bindAddresses, galeraServers, parseAnchorProbe } from "./addresses.js";

// HAProxy 2.6 from Debian on the database load balancers: MySQL over TCP to the Galera nodes that
// clustercheck reports Synced. The original role wrote haproxy.cfg and never applied it; here a
// change is validated by `haproxy -c` before it replaces the live file, then reloaded (the master
// process stays, its workers are replaced: connections in flight are not cut).

/** An HAProxy time: a number with an optional unit (us, ms, s, m, h, d). */
const Duration = z.string().regex(/^\d+(us|ms|s|m|h|d)?$/, "an HAProxy time such as 500ms, 2s or 1h");
const Port = z.number().int().min(1).max(65535);
const CONFIG = "/etc/haproxy/haproxy.cfg";

export const haproxy = role({
  name: "haproxy",
  vars: z.object({
    /** The group of Galera nodes: every host in it is a backend server. */
    haproxy_galera_group: z.string().default("database"),
    /** The Reserved IP that clients (WordPress) use as their database host. */
    reserved_ip: z.ipv4(),
    /** The metadata service, asked for the droplet's anchor address. */
    do_metadata_url: z.url().default("http://169.254.169.254"),
    /** Also bind the droplet's anchor address, where DigitalOcean delivers Reserved IP traffic. */
    haproxy_bind_anchor_ip: z.boolean().default(true),
    /** Addresses the MySQL frontend binds; default: the Reserved IP, the private address, the anchor. */
    haproxy_bind_addresses: z.array(z.ipv4()).optional(),
    /** Port of the MySQL frontend. */
    haproxy_frontend_port: Port.default(3306),
    /** Port MariaDB listens on, on the Galera nodes. */
    haproxy_galera_port: Port.default(3306),
    /** Port of the clustercheck HTTP endpoint on the Galera nodes (200 = Synced). */
    haproxy_check_port: Port.default(9200),
    /** Time between health checks of a server. */
    haproxy_check_inter: Duration.default("2s"),
    /** Consecutive good checks before a server takes traffic again. */
    haproxy_check_rise: z.number().int().min(1).default(2),
    /** Consecutive failed checks before a server is taken out. */
    haproxy_check_fall: z.number().int().min(1).default(3),
    /** Global maximum of concurrent connections. */
    haproxy_maxconn: z.number().int().min(1).default(2048),
    haproxy_timeout_connect: Duration.default("5s"),
    /** Idle MySQL connections are kept this long (pooled PHP connections stay idle a while). */
    haproxy_timeout_client: Duration.default("1h"),
    haproxy_timeout_server: Duration.default("1h"),
    haproxy_timeout_check: Duration.default("3s"),
    /** Stats page: its port, on the private address unless haproxy_stats_address says otherwise. */
    haproxy_stats_port: Port.default(8404),
    haproxy_stats_address: z.ipv4().optional(),
    haproxy_stats_user: z.string().regex(/^[^\s:]+$/, "a user name without spaces or colons").default("admin"),
    /** Stats page password (secrets file). */
    haproxy_stats_password: secret({ length: 24 }).regex(/^\S+$/, "no whitespace: it is written unquoted in haproxy.cfg"),
  }),
  handlers: {
    // reload, never restart: Debian's unit checks the configuration, then signals the master
    // process (MainPID unchanged), which starts new workers and lets the old ones drain. A reload
    // lost to a run that ended early (a later task failed, the host went away) is not lost: the
    // engine keeps it pending on the host and the next converge runs it.
    "reload haproxy": (h) => h.systemd({ name: "haproxy", state: "reloaded" }, { name: "reload haproxy" }),
  },
  async tasks(h, v) {
    // curl asks the metadata service for the anchor address.
    const pkg = await h.apt({ name: ["haproxy", "curl"] }, { name: "haproxy packages" });
    // In check mode on a fresh host the package is only planned: there is no unit to ask about.
    const planned = h.check && pkg.changed;

    // Binding the Reserved IP while another load balancer holds it (docs/debian12-notes.md, 6).
    await h.sysctl(
      { name: "net.ipv4.ip_nonlocal_bind", value: "1", sysctl_file: "/etc/sysctl.d/60-haproxy-nonlocal-bind.conf" },
      { name: "allow binding the Reserved IP before holding it" },
    );

    let anchorIp: string | undefined;
    if (v.haproxy_bind_anchor_ip && v.haproxy_bind_addresses === undefined) {
      // Read-only, so it runs in check mode too: the rendered file must be the same as in a real run.
      const probe = await h.command(
        { argv: ["curl", "-s", "--max-time", "5", "-w", "\n%{http_code}", `${v.do_metadata_url.replace(/\/+$/, "")}/metadata/v1/interfaces/public/0/anchor_ipv4/address`] },
        { name: "anchor address from the metadata service", readsOnly: true },
      );
      anchorIp = parseAnchorProbe(probe.stdout);
    }

    const self = privateAddress(h.vars);
    const members = h.groups[v.haproxy_galera_group] ?? [];
    const servers = galeraServers(members, (name) => privateAddress(h.hostvars(name)));
    const bind = bindAddresses({ reservedIp: v.reserved_ip, privateIp: self, anchorIp, override: v.haproxy_bind_addresses });

    await h.template(
      {
        src: "haproxy.cfg.njk",
        dest: CONFIG,
        owner: "root",
        group: "haproxy",
        mode: "0640",
        validate: "haproxy -c -q -f %s",
        vars: { haproxy_servers: servers, haproxy_bind: bind, haproxy_stats_address: v.haproxy_stats_address ?? self },
      },
      // The file holds the stats password: the run masks it (********) in the diff, not the diff whole.
      { name: "haproxy.cfg", notify: planned ? [] : "reload haproxy" },
    );
    if (!planned) await h.systemd({ name: "haproxy", state: "started", enabled: true }, { name: "haproxy running and enabled" });
    // Serve with this configuration before a later role (keepalived) can make this host the
    // one that receives the Reserved IP's traffic.
    await h.flushHandlers();
  },
});
