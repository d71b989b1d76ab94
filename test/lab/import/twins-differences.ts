// What may end differently on the twins (twins.test.ts) after a role ran, by role, then by
// snapshot key ("section path-or-name", see snapshot.ts), each with why. The test fails on a
// difference not listed here, and on a listed one that no longer differs (then delete its line):
// the list only shrinks.

const NETBASE =
  "Recommends: memcached depends on perl, which recommends netbase; Ansible's apt module follows the host's apt configuration (Debian's installs recommends), do-converge's apt module installs none unless install_recommends: true, by design (src/modules/apt.ts), and `import role` converts an apt/package task without install_recommends as it is; so netbase (its package and files) is on twin1 only";

const netbaseKeys = [
  ...["ethertypes", "networks", "protocols", "rpc", "services"].flatMap((f) => [`meta /etc/${f}`, `sha256 /etc/${f}`]),
  ...["conffiles", "list", "md5sums", "postinst", "postrm"].map((f) => `meta /var/lib/dpkg/info/netbase.${f}`),
  "package netbase",
];

export const KNOWN_DIFFERENCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  memcached: Object.fromEntries(netbaseKeys.map((k) => [k, NETBASE])),
  redis: {},
};
