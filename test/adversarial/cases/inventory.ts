import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";

// Static inventories given with -i: malformed YAML, malformed INI (a file that is not a YAML
// mapping is read as INI, as Ansible does), wrong shapes, duplicate keys, bad host and group
// names, bad ports and connection variables.

const inv = (id: string, text: string | Buffer, message: RegExp): AdversarialCase => ({
  id: `inventory/${id}`,
  kind: "config",
  files: { ...localSite(), "bad.yml": text },
  argv: ["site.ts", "--no-typecheck", "-i", "bad.yml"],
  exit: 1,
  message,
});

/** A host of the local connection with one more variable, which is the bad input. */
const hostVar = (id: string, yamlValue: string, variable: string): AdversarialCase => ({
  ...inv(id, `all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ${variable}: ${yamlValue}\n`, new RegExp(`localhost.*${variable}.*bad\\.yml:5|bad\\.yml:5.*${variable}`)),
  once: new RegExp(`\\b${variable}\\b`),
});

export const inventoryCases: AdversarialCase[] = [
  inv("tab-indent", "all:\n\thosts:\n    web1:\n", /bad\.yml:2/),
  inv("unclosed-flow-mapping", "all:\n  hosts: { web1: {ansible_host: 10.0.0.1}\n", /bad\.yml:\d+/),
  inv("ini-bare-word", "[web]\nweb1 ansible_host 10.0.0.1\n", /bad\.yml:2.*key=value/),
  inv("ini-vars-undefined-group", "[web]\nweb1\n\n[db:vars]\nport=5432\n", /bad\.yml:4.*db/),
  inv("ini-unclosed-quote", '[web]\nweb1 motd="hello\n', /bad\.yml:2.*quotation/),
  inv("ini-children-undefined", "[web]\nweb1\n[prod:children]\nweb\ndatabase\n", /bad\.yml:5.*database/),
  inv("ini-section-with-space", "[web servers]\nweb1\n", /bad\.yml:1.*section/i),
  inv("duplicate-host-key", "all:\n  hosts:\n    web1: {}\n    web1: {}\n", /bad\.yml:4/),
  inv("duplicate-group-key", "all:\n  children:\n    web: {}\n    web: {}\n", /bad\.yml:4/),
  inv("duplicate-var-key", "all:\n  vars:\n    ntp: a\n    ntp: b\n", /bad\.yml:4/),
  inv("empty-file", "", /bad\.yml.*empty/),
  inv("only-a-comment", "# hosts come later\n", /bad\.yml/),
  inv("top-level-list", "- web1\n- web2\n", /bad\.yml:1/),
  inv("top-level-scalar", "web1 ansible_host\n", /bad\.yml:1/),
  inv("hosts-as-list", "all:\n  hosts:\n    - web1\n    - web2\n", /bad\.yml:3.*hosts/),
  inv("host-vars-scalar", "all:\n  hosts:\n    web1: 10.0.0.1\n", /bad\.yml:3.*web1/),
  inv("unknown-group-key", "all:\n  hostz:\n    web1:\n", /bad\.yml:2.*hostz/),
  inv("group-name-with-colon", 'all:\n  children:\n    "web:db":\n      hosts: { web1: }\n', /bad\.yml:3.*web:db/),
  inv("group-name-with-bang", 'all:\n  children:\n    "!web":\n      hosts: { web1: }\n', /bad\.yml:3.*!web/),
  inv("group-cycle", "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a: {}\n", /bad\.yml:\d+.*cycle/),
  inv("children-names-all", "all:\n  children:\n    web:\n      children:\n        all: {}\n", /bad\.yml:5/),
  inv("host-name-with-space", 'all:\n  hosts:\n    "web 1": {}\n', /bad\.yml:3/),
  inv("host-name-injection", 'all:\n  hosts:\n    "web1;touch MARK": {}\n', /bad\.yml:3/),
  inv("host-name-command-substitution", 'all:\n  hosts:\n    "$(touch MARK)": {}\n', /bad\.yml:3/),
  inv("host-name-leading-dash", 'all:\n  hosts:\n    "-oProxyCommand=touch MARK": {}\n', /bad\.yml:3/),
  inv("host-range-reversed", 'all:\n  hosts:\n    "web[3:1]": {}\n', /bad\.yml:3/),
  inv("host-range-unclosed", 'all:\n  hosts:\n    "web[1:3": {}\n', /bad\.yml:3/),
  inv("host-port-out-of-range", 'all:\n  hosts:\n    "web1:99999": {}\n', /bad\.yml:3/),
  inv("host-port-not-a-number", 'all:\n  hosts:\n    "web1:ssh": {}\n', /bad\.yml:3/),
  inv("group-priority-not-integer", "all:\n  children:\n    web:\n      vars:\n        ansible_group_priority: high\n", /bad\.yml:5.*ansible_group_priority/),
  inv("unknown-plugin", "plugin: nosuch\n", /bad\.yml:1.*plugin/),
  inv("vault-tag", "all:\n  vars:\n    pw: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n", /bad\.yml:3/),
  inv("binary-garbage", Buffer.from("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61", "hex"), /bad\.yml/),
  inv("invalid-utf8-host-name", Buffer.concat([Buffer.from("all:\n  hosts:\n    web"), Buffer.from([0xff, 0xfe]), Buffer.from("1: {}\n")]), /bad\.yml:3/),
  inv("nul-byte-in-var", Buffer.concat([Buffer.from("all:\n  vars:\n    motd: hello"), Buffer.from([0]), Buffer.from("world\n  hosts:\n    localhost: { ansible_connection: local }\n")]), /bad\.yml/),
  hostVar("port-word", "ssh", "ansible_port"),
  hostVar("port-zero", "0", "ansible_port"),
  hostVar("port-too-large", "70000", "ansible_port"),
  hostVar("port-list", "[22]", "ansible_port"),
  hostVar("port-negative", "-22", "ansible_port"),
  { ...inv("connection-winrm", "all:\n  hosts:\n    localhost:\n      ansible_connection: winrm\n", /localhost.*ansible_connection.*bad\.yml:4|bad\.yml:4.*ansible_connection/), once: /\bansible_connection\b/ },
  hostVar("become-not-boolean", "maybe", "ansible_become"),
  hostVar("become-method-su", "su", "ansible_become_method"),
  hostVar("host-empty", '""', "ansible_host"),
  hostVar("host-mapping", "{ a: 1 }", "ansible_host"),
  hostVar("user-list", "[root, deploy]", "ansible_user"),
  hostVar("become-user-empty", '""', "ansible_become_user"),
  {
    id: "inventory/missing-file",
    kind: "config",
    files: localSite(),
    argv: ["site.ts", "--no-typecheck", "-i", "nope.yml"],
    exit: 1,
    message: /nope\.yml/,
  },
  {
    id: "inventory/is-a-directory",
    kind: "config",
    files: { ...localSite(), "invdir/.keep": "" },
    argv: ["site.ts", "--no-typecheck", "-i", "invdir"],
    exit: 1,
    message: /invdir/,
  },
  {
    id: "inventory/site-lists-missing-inventory",
    kind: "config",
    files: { ...localSite({ inventory: ["inventory/nope.yml"] }) },
    argv: ["site.ts", "--no-typecheck"],
    exit: 1,
    message: /inventory\/nope\.yml/,
  },
];
