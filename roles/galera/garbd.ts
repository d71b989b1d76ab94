import { fileURLToPath } from "node:url";
import { role } from "do-converge";
import { privateAddress } from "../common/addresses.js";
import { garbdVars } from "./vars.js";

/**
 * The Galera arbitrator on a host that is not a data node: with two data nodes, its vote keeps
 * the survivor Primary when the other fails. Run it after the galera play (it joins a running
 * cluster) on the host named by galera_arbitrator.
 */
export const garbd = role({
  name: "garbd",
  dir: fileURLToPath(new URL(".", import.meta.url)),
  vars: garbdVars,
  handlers: {
    "restart garb": (h) => h.systemd({ name: "garb", state: "restarted" }),
  },
  async tasks(h, v) {
    const group = h.groups[v.galera_group] ?? [];
    if (group.includes(h.name)) return h.fail(`${h.name} is a data node of ${v.galera_group}: garbd must run on another host`);
    if (group.length === 0) return h.fail(`galera_group ${v.galera_group} has no hosts: garbd has no cluster to join`);
    const nodes = group.map((name) => privateAddress(h.hostvars(name)));
    await h.apt({ name: ["galera-arbitrator-4"] }, { name: "Galera arbitrator package" });
    await h.file({ path: "/var/lib/garb", state: "directory", owner: "nobody", group: "nogroup", mode: "0750" }, { name: "garbd work directory" });
    await h.template(
      { src: "garb.njk", dest: "/etc/default/garb", owner: "root", group: "root", mode: "0644", vars: { garbd_nodes: nodes } },
      { name: "garbd config", notify: "restart garb" },
    );
    await h.systemd({ name: "garb", state: "started", enabled: true }, { name: "garbd running" });
  },
});
