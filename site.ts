// The reference site: the highly available WordPress stack of DigitalOcean's Navigator's Guide.
//   3 MariaDB Galera nodes ─ 2 HAProxy load balancers sharing a Reserved IP (keepalived moves it
//   through the DigitalOcean API) ─ WordPress web nodes (nginx + PHP-FPM) behind a DO Load Balancer.
//
//   npx do-converge site.ts --check --diff     # what would change
//   npx do-converge site.ts                    # converge
//
// Hosts are droplets found by tag (inventory/digitalocean.yml); the site's values are in
// inventory/group_vars/, its secrets in inventory/group_vars/all/secrets.yml
// (`npx do-converge secrets generate site.ts` makes them).
import { play, site } from "do-converge";
import { common } from "./roles/common/index.js";
import { galera, galeraPackages } from "./roles/galera/index.js";
import { haproxy } from "./roles/haproxy/index.js";
import { keepalived } from "./roles/keepalived/index.js";
import { wordpress } from "./roles/wordpress/index.js";

/**
 * Groups are the droplets' tags with `-` made `_` (the original Terraform's tags). Another
 * naming? Change the tags in inventory/digitalocean.yml and these three names: the roles take
 * their groups from the play vars below.
 */
const groups = { database: "database", loadBalancers: "database_loadbalancer", web: "wp_wp_app" } as const;
const everyHost = Object.values(groups).join(":");
const groupVars = { galera_group: groups.database, haproxy_galera_group: groups.database, keepalived_group: groups.loadBalancers };

export default site({
  inventory: ["inventory/digitalocean.yml"],
  plays: [
    play({ name: "common", hosts: everyHost, become: true, roles: [common] }),
    // Packages install on every node at once; the cluster itself changes one node at a time.
    play({ name: "galera packages", hosts: groups.database, become: true, vars: groupVars, roles: [galeraPackages] }),
    play({ name: "galera cluster", hosts: groups.database, become: true, serial: 1, vars: groupVars, roles: [galera] }),
    // Both load balancers at once: the explicit keepalived primary must be up to win the first election.
    play({ name: "database load balancers", hosts: groups.loadBalancers, become: true, vars: groupVars, roles: [haproxy, keepalived] }),
    // Last: WordPress's installation needs the database through the Reserved IP.
    play({ name: "wordpress", hosts: groups.web, become: true, vars: groupVars, roles: [wordpress] }),
  ],
});
