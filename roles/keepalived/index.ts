import { role, secret, z } from "do-converge";
import { privateAddress } from "../common/addresses.js";
import { reservedIpSettings } from "./settings.js";
import { interfaceHolding, vrrpPlan } from "./vrrp.js";

// keepalived 2.2 from Debian on the database load balancers: VRRP over the private network
// decides which one is MASTER; the MASTER's notify script moves the DigitalOcean Reserved IP to
// itself through the API. keepalived holds no virtual address of its own: on DigitalOcean the
// address is routed by the platform, not announced by the droplet.

const ETC = "/etc/keepalived";
const TOKEN_FILE = `${ETC}/do-token`;
const SETTINGS_FILE = `${ETC}/do-reserved-ip.env`;
const NOTIFY_SCRIPT = `${ETC}/do-reserved-ip.sh`;
/** Written by the notify script on every VRRP transition (master, backup, fault, stop). */
const STATE_FILE = "/run/keepalived-do/state";
const CONFIG = `${ETC}/keepalived.conf`;
/**
 * keepalived --config-test fails a configuration without virtual_ipaddress ("No VIP specified; at
 * least one is sensible"), which is this design: the address is moved by the API, not by VRRP.
 * Every other message still fails the validation. (The engine puts the temporary file for %s, and
 * runs this under set -e: hence grep's `|| true`.)
 */
const VALIDATE = "out=$(keepalived --config-test -f %s 2>&1) && exit 0; other=$(echo \"$out\" | grep -v 'No VIP specified; at least one is sensible' || true); [ -z \"$other\" ] || { echo \"$other\"; exit 1; }";

export const keepalived = role({
  name: "keepalived",
  vars: z.object({
    /** The load balancers that share the Reserved IP. */
    keepalived_group: z.string().default("database_loadbalancer"),
    /** The load balancer that holds the address when all are healthy; default: the group's first host. */
    keepalived_primary: z.string().min(1).optional(),
    /** VRRP priority of the primary, and of the first backup (later backups get one less each). */
    keepalived_primary_priority: z.number().int().min(2).max(254).default(150),
    keepalived_backup_priority: z.number().int().min(1).max(253).default(100),
    /** VRRP router id: unique among the VRRP instances of the private network. */
    keepalived_virtual_router_id: z.number().int().min(1).max(255).default(51),
    keepalived_instance_name: z.string().regex(/^\w+$/, "letters, digits and _").default("DO_RESERVED_IP"),
    /** Seconds between VRRP advertisements; a MASTER is declared dead after about three missed. */
    keepalived_advert_int: z.number().int().min(1).max(255).default(1),
    /** The interface VRRP runs on; default: the one holding the host's private address. */
    keepalived_interface: z.string().min(1).optional(),
    /** The haproxy check: every this many seconds; failures before FAULT; successes before healthy. */
    keepalived_check_interval: z.number().int().min(1).default(2),
    keepalived_check_fall: z.number().int().min(1).default(2),
    keepalived_check_rise: z.number().int().min(1).default(2),
    /** VRRP password (secrets file); VRRP carries at most 8 characters. */
    keepalived_auth_pass: secret({ length: 8 }).max(8, "VRRP authentication carries at most 8 characters"),
    /** The address that moves to the MASTER. */
    reserved_ip: z.ipv4(),
    /** DigitalOcean's API and metadata service (the lab points them at its fake). */
    do_api_url: z.url().default("https://api.digitalocean.com"),
    do_metadata_url: z.url().default("http://169.254.169.254"),
    /** API token allowed to assign the Reserved IP (secrets file; a token scoped to reserved_ip is enough). */
    do_api_token: secret({ generate: false }).regex(/^[^\s"\\]+$/, "a token without whitespace, quotes or backslashes"),
    /** Assignment attempts on becoming MASTER, and seconds between them (a pending action locks the address). */
    keepalived_assign_attempts: z.number().int().min(1).default(10),
    keepalived_assign_delay: z.number().int().min(1).default(3),
  }),
  handlers: {
    // SIGHUP: keepalived re-reads its configuration and keeps its VRRP state, so a configuration
    // change does not hand the address over (a restart would).
    // A reload lost to a run that ended early stays pending on the host for the next converge.
    "reload keepalived": (h) => h.systemd({ name: "keepalived", state: "reloaded" }, { name: "reload keepalived" }),
  },
  async tasks(h, v) {
    const members = h.groups[v.keepalived_group] ?? [];
    const plan = vrrpPlan({
      self: h.name,
      members,
      primary: v.keepalived_primary,
      addressOf: (name) => privateAddress(name === h.name ? h.vars : h.hostvars(name)),
      primaryPriority: v.keepalived_primary_priority,
      backupPriority: v.keepalived_backup_priority,
    });
    const iface = v.keepalived_interface ?? interfaceHolding(plan.srcIp, h.facts.interfaces);
    if (iface === undefined) {
      await h.fail(`no interface holds the private address ${plan.srcIp} (interfaces: ${h.facts.interfaces.map((i) => i.name).join(", ")}); set keepalived_interface`);
      return;
    }

    // The package does not start keepalived while keepalived.conf is missing (ConditionFileNotEmpty).
    const pkg = await h.apt({ name: ["keepalived", "curl"] }, { name: "keepalived packages" });
    // In check mode on a fresh host the package is only planned: there is no unit to ask about.
    if (h.check && pkg.changed) return;

    await h.copy({ dest: TOKEN_FILE, content: `${v.do_api_token}\n`, owner: "root", group: "root", mode: "0600" }, { name: "DigitalOcean API token (root only)", noLog: true });
    await h.copy(
      {
        dest: SETTINGS_FILE,
        content: reservedIpSettings({
          reservedIp: v.reserved_ip,
          apiUrl: v.do_api_url,
          metadataUrl: v.do_metadata_url,
          tokenFile: TOKEN_FILE,
          attempts: v.keepalived_assign_attempts,
          delaySeconds: v.keepalived_assign_delay,
        }),
        owner: "root",
        group: "root",
        mode: "0644",
      },
      { name: "Reserved IP notify settings" },
    );
    // Root-owned and not writable by others, or enable_script_security refuses to run it.
    await h.copy({ dest: NOTIFY_SCRIPT, src: "do-reserved-ip.sh", owner: "root", group: "root", mode: "0755" }, { name: "Reserved IP notify script" });

    await h.template(
      {
        src: "keepalived.conf.njk",
        dest: CONFIG,
        owner: "root",
        group: "root",
        mode: "0600",
        validate: VALIDATE,
        vars: { vrrp_interface: iface, vrrp_priority: plan.priority, vrrp_src_ip: plan.srcIp, vrrp_peers: plan.peers, notify_script: NOTIFY_SCRIPT },
      },
      // The file holds auth_pass: the run masks it (********) in the diff, not the diff whole.
      { name: "keepalived.conf", notify: "reload keepalived" },
    );

    const enabled = await h.systemd({ name: "keepalived", enabled: true }, { name: "keepalived enabled" });
    const running = enabled.state === "active" || enabled.state === "reloading";
    if (!running && !plan.isPrimary && !h.check) {
      // Every member starts as BACKUP with nopreempt, so the first to time out keeps the address.
      // On a fresh pair the backups wait for the primary to become MASTER: the explicit primary
      // wins the first election instead of whichever host finished installing first. A primary
      // that does not get there (down, haproxy failing) only delays the backup, never blocks it.
      const wait = await h.shell(
        { cmd: `for i in $(seq 90); do [ "$(cat ${STATE_FILE} 2>/dev/null)" = master ] && exit 0; sleep 1; done; exit 1` },
        { name: `wait for ${plan.primary} to be VRRP MASTER`, delegateTo: plan.primary, changedWhen: false, failedWhen: false, ignoreErrors: true },
      );
      if (wait.rc !== 0) await h.debug(`${plan.primary} did not become VRRP MASTER within 90 s; starting keepalived on ${h.name} all the same`);
    }
    await h.systemd({ name: "keepalived", state: "started" }, { name: "keepalived running" });
  },
});
