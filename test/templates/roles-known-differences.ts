// Templates of the vendored roles (test/fixtures/roles/) whose rendering still differs from
// Ansible's, each with every cause found in its difference. roles.test.ts fails when a template
// not listed here differs, and when a listed one matches (then delete its entry): the list only
// shrinks, and the figure it prints stays honest.

export const causes = {
  varsInVars: "a variable whose value is a template is not templated (issue 15 part 1)",
  jinja2Header: "the #jinja2: first-line override is printed and ignored (issue 15 part 2)",
  yamlFolding: "to_nice_yaml folds long double-quoted strings elsewhere than PyYAML (case ansible-to-nice-yaml-long-quoted)",
  ansibleUtils:
    "Ansible cannot render it here: the ansible.utils collection (ipwrap) is not part of ansible-core; with it (Debian's `ansible` package) the only difference is variables-in-variables",
} as const;

export interface KnownDifference {
  causes: readonly (keyof typeof causes)[];
  /** What differs, for the reader (the variable, the construct). */
  note: string;
}

export const roleKnownDifferences: Readonly<Record<string, KnownDifference>> = {
  "cloudalchemy.prometheus/alert.rules.j2": {
    causes: ["varsInVars", "yamlFolding"],
    note: "prometheus_alert_rules (defaults) hold {% raw %} blocks that Ansible templates away; the rules' long expr strings fold differently",
  },
  "cloudalchemy.prometheus/prometheus.yml.j2": {
    causes: ["jinja2Header", "varsInVars"],
    note: "#jinja2: trim_blocks, lstrip_blocks; prometheus_external_labels and prometheus_scrape_configs (defaults) hold {{ ansible_fqdn }}, {{ prometheus_metrics_path }}, {{ prometheus_config_dir }}",
  },
  "digitalocean.ansible-galera-cluster-node/debian.cnf.j2": { causes: ["varsInVars"], note: "galera_sys_maint_password: {{ vault_galera_sys_maint_password }} (vars/main.yml)" },
  "digitalocean.ansible-galera-cluster-node/my.cnf-root.j2": { causes: ["varsInVars"], note: "galera_root_password: {{ vault_galera_root_password }} (vars/main.yml)" },
  "digitalocean.ansible-galera-cluster-node/scripts/clustercheck.j2": {
    causes: ["varsInVars"],
    note: "galera_clustercheck_password: {{ vault_galera_clustercheck_password }} (vars/main.yml)",
  },
  "digitalocean.ansible-galera-lb/authkeys.j2": { causes: ["varsInVars"], note: "galera_ha_auth_key: {{ vault_galera_ha_auth_key }} (vars/main.yml)" },
  "digitalocean.ansible-galera-lb/floatip.j2": {
    causes: ["varsInVars"],
    note: "galera_ha_do_token (vars/main.yml) and floating_ip: {{ hostvars[groups['ha_db_fip'][0]]['inventory_hostname'] }} (defaults)",
  },
  "digitalocean.ansible-galera-lb/ha.cf.j2": {
    causes: ["varsInVars"],
    note: "primary_name/primary_address/secondary_* (defaults) through primary_node: {{ hostvars[groups['galera_loadbalancer'][0]] }}, a value that is a whole hostvars dict",
  },
  "digitalocean.ansible-galera-lb/haproxy.cfg.j2": { causes: ["varsInVars"], note: "haproxy_stats_port/user/pass: {{ vault_haproxy_stats_* }} (vars/main.yml)" },
  "digitalocean.ansible-welp/server-block.conf.j2": { causes: ["varsInVars"], note: 'doc_root: "/var/www/{{ domain }}" (defaults)' },
  "digitalocean.ansible-welp/wp-config.j2": {
    causes: ["varsInVars"],
    note: "wp_db_* and wp_salt: {{ vault_* }}; wp_db_host (defaults) is a {% if inventory_dir | basename == 'dev' %} block: once templated it also needs the magic variable inventory_dir",
  },
  "geerlingguy.nginx/nginx.conf.j2": { causes: ["varsInVars"], note: "nginx_worker_processes: {{ ansible_processor_vcpus | default(ansible_processor_count) }} (defaults)" },
  "geerlingguy.ntp/chrony.conf.j2": { causes: ["varsInVars"], note: "ntp_servers (defaults) hold {{ '.' + ntp_area if ntp_area else '' }}" },
  "geerlingguy.ntp/ntp.conf.j2": { causes: ["varsInVars"], note: "ntp_servers (defaults) hold {{ '.' + ntp_area if ntp_area else '' }}" },
  "geerlingguy.postgresql/pg_hba.conf.j2": { causes: ["varsInVars"], note: "postgresql_hba_entries (defaults) hold {{ postgresql_auth_method }}" },
  "mrlesmithjr.mariadb-galera-cluster/etc/my.cnf.d/server.cnf.j2": {
    causes: ["ansibleUtils"],
    note: "ansible.utils.ipwrap; then galera_cluster_bind_address, galera_sst_method, galera_wsrep_node_address (defaults)",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/my.cnf.d/server.cnf.temp.j2": {
    causes: ["ansibleUtils"],
    note: "ansible.utils.ipwrap; then galera_cluster_bind_address, galera_sst_method, galera_wsrep_node_address (defaults)",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/mysql/conf.d/galera.cnf.j2": {
    causes: ["ansibleUtils"],
    note: "ansible.utils.ipwrap; then galera_cluster_bind_address, galera_sst_method, galera_wsrep_node_address (defaults)",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/mysql/conf.d/galera.cnf.temp.j2": {
    causes: ["ansibleUtils"],
    note: "ansible.utils.ipwrap; then galera_cluster_bind_address, galera_sst_method, galera_wsrep_node_address (defaults)",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/mysql/galeranotify.py2.j2": {
    causes: ["varsInVars"],
    note: "mariadb_smtp_server, mariadb_smtp_domain_name, galera_email_notifications (defaults) built from mariadb_pri_domain_name",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/mysql/galeranotify.py3.j2": {
    causes: ["varsInVars"],
    note: "mariadb_smtp_server, mariadb_smtp_domain_name, galera_email_notifications (defaults) built from mariadb_pri_domain_name",
  },
  "mrlesmithjr.mariadb-galera-cluster/etc/mysql/my.cnf.j2": {
    causes: ["varsInVars"],
    note: "mariadb_mysql_settings.key_buffer_size: {{ (ansible_facts['memtotal_mb'] | int * mariadb_mysql_mem_multiplier) | round | int }}M (defaults); Ansible: 492M",
  },
};
