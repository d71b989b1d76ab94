import { describe, expect, it } from "vitest";
import { engineWith } from "./helpers.js";

// Templates shaped like the reference site's (the HA WordPress stack): HAProxy in front of a
// Galera cluster, and the Galera node config. Expected output is what Ansible renders for the
// same template and variables (checked with Jinja2 3.1 configured as Ansible's template module).

// The template module always defines ansible_managed, so the default never applies (as in Ansible).
const HAPROXY = `# {{ ansible_managed | default('Managed by do-converge') }}
global
    log /dev/log local0
    maxconn {{ haproxy_maxconn | default(4096) }}
    user haproxy
    group haproxy

defaults
    mode tcp
    timeout connect {{ haproxy_timeout_connect | default('5s') }}

listen galera
    bind {{ haproxy_bind_address }}:{{ galera_port }}
    balance {{ haproxy_balance }}
    option mysql-check user {{ haproxy_check_user }}
{% for h in groups['galera'] %}
    server {{ h }} {{ hostvars[h]['ansible_host'] }}:{{ galera_port }} check{% if not loop.first %} backup{% endif %}

{% endfor %}
{% if haproxy_stats_enabled %}

listen stats
    bind {{ haproxy_bind_address }}:{{ haproxy_stats_port }}
    mode http
    stats enable
    stats uri /
{% endif %}
`;

const GALERA = `[mysqld]
binlog_format=ROW
default-storage-engine=innodb
innodb_autoinc_lock_mode=2
bind-address={{ hostvars[inventory_hostname].ansible_host }}

# Galera provider
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name="{{ galera_cluster_name }}"
wsrep_cluster_address="gcomm://{{ groups['galera'] | map('extract', hostvars, 'ansible_host') | join(',') }}"
wsrep_node_address="{{ hostvars[inventory_hostname]['ansible_host'] }}"
wsrep_node_name="{{ inventory_hostname }}"
wsrep_sst_method={{ galera_sst_method | default('rsync') }}
innodb_buffer_pool_size={{ (memory_mb * 0.5) | int }}M
{% for key, value in galera_extra | dictsort %}
{{ key }}={{ value }}
{% endfor %}
`;

const hostvars = {
  "db-1": { ansible_host: "10.10.0.11" },
  "db-2": { ansible_host: "10.10.0.12" },
  "db-3": { ansible_host: "10.10.0.13" },
};

describe("a haproxy.cfg-like template", () => {
  const vars = {
    groups: { galera: ["db-1", "db-2", "db-3"] },
    hostvars,
    haproxy_bind_address: "10.10.0.5",
    galera_port: 3306,
    haproxy_balance: "leastconn",
    haproxy_check_user: "haproxy_check",
    haproxy_stats_enabled: true,
    haproxy_stats_port: 8404,
  };

  it("renders backends from the group's hosts via hostvars[h]['ansible_host']", () => {
    const out = engineWith({ "haproxy.cfg.njk": HAPROXY }).renderFile("haproxy.cfg.njk", vars);
    expect(out).toBe(`# Ansible managed
global
    log /dev/log local0
    maxconn 4096
    user haproxy
    group haproxy

defaults
    mode tcp
    timeout connect 5s

listen galera
    bind 10.10.0.5:3306
    balance leastconn
    option mysql-check user haproxy_check
    server db-1 10.10.0.11:3306 check
    server db-2 10.10.0.12:3306 check backup
    server db-3 10.10.0.13:3306 check backup

listen stats
    bind 10.10.0.5:8404
    mode http
    stats enable
    stats uri /
`);
  });

  it("names the template, line, column and variable when a variable is missing", () => {
    const { haproxy_stats_port: _omitted, ...partial } = vars;
    const engine = engineWith({ "haproxy.cfg.njk": HAPROXY });
    expect(() => engine.renderFile("haproxy.cfg.njk", partial)).toThrow(
      "haproxy.cfg.njk:23:40: undefined variable 'haproxy_stats_port'",
    );
  });

  it("drops the stats section when disabled", () => {
    const out = engineWith({ "haproxy.cfg.njk": HAPROXY }).renderFile("haproxy.cfg.njk", { ...vars, haproxy_stats_enabled: false });
    expect(out.endsWith("    server db-3 10.10.0.13:3306 check backup\n")).toBe(true);
    expect(out).not.toContain("listen stats");
  });
});

describe("a galera.cnf-like template", () => {
  it("joins the cluster's addresses into gcomm://a,b,c", () => {
    const out = engineWith({ "galera.cnf.njk": GALERA }).renderFile("galera.cnf.njk", {
      groups: { galera: ["db-1", "db-2", "db-3"] },
      hostvars,
      inventory_hostname: "db-2",
      galera_cluster_name: "wp_cluster",
      memory_mb: 2001,
      galera_extra: { wsrep_slave_threads: 4, innodb_flush_log_at_trx_commit: 0 },
    });
    expect(out).toBe(`[mysqld]
binlog_format=ROW
default-storage-engine=innodb
innodb_autoinc_lock_mode=2
bind-address=10.10.0.12

# Galera provider
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name="wp_cluster"
wsrep_cluster_address="gcomm://10.10.0.11,10.10.0.12,10.10.0.13"
wsrep_node_address="10.10.0.12"
wsrep_node_name="db-2"
wsrep_sst_method=rsync
innodb_buffer_pool_size=1000M
innodb_flush_log_at_trx_commit=0
wsrep_slave_threads=4
`);
  });

  it("builds the same address list with a loop and loop.last (trim_blocks eats the newline after endfor; Ansible puts the trailing newline back)", () => {
    const tpl = "gcomm://{% for h in groups['galera'] %}{{ hostvars[h].ansible_host }}{% if not loop.last %},{% endif %}{% endfor %}\n";
    const out = engineWith({ "t.njk": tpl }).renderFile("t.njk", { groups: { galera: ["db-1", "db-2", "db-3"] }, hostvars });
    expect(out).toBe("gcomm://10.10.0.11,10.10.0.12,10.10.0.13\n");
  });
});
