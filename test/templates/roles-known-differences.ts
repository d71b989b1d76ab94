// Templates of the vendored roles (test/fixtures/roles/) whose rendering still differs from
// Ansible's, each with every cause found in its difference. roles.test.ts fails when a template
// not listed here differs, and when a listed one matches (then delete its entry): the list only
// shrinks, and the figure it prints stays honest.

export const causes = {
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
    causes: ["yamlFolding"],
    note: "the rules' long expr strings (prometheus_alert_rules, defaults) fold differently",
  },
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
};
