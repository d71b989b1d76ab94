// What may end differently on the seed's twins (seed-twins.test.ts) after a role ran, by role
// directory, then by snapshot key ("section path-or-name", see snapshot.ts), each with why. The
// test fails on a difference not listed here, and on a listed one that no longer differs (then
// delete its line): the list only shrinks.

const ANSIBLE_SYSLOG =
  "ansible-core's modules log each invocation to syslog with the facility user (AnsibleModule.log), which rsyslog (pulled in with the role's packages) writes to /var/log/user.log; do-converge writes nothing to the host's logs";

export const SEED_DIFFERENCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "digitalocean.ansible-welp": {},
  "digitalocean.ansible-galera-cluster-node": { "meta /var/log/user.log": ANSIBLE_SYSLOG },
  "digitalocean.ansible-galera-lb": {
    "meta /var/log/user.log": ANSIBLE_SYSLOG,
    "sha256 /etc/pacemaker/authkey": "Pacemaker's package makes a random key when it is installed (its postinst): each host its own, whichever tool installed it",
  },
};
