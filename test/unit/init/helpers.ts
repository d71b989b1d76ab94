import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { onTestFinished } from "vitest";
import type { DropletSeed } from "../../fake-do/index.js";

// Shared by the init tests: a fleet in two regions, a site whose roles declare secrets, and the
// files a directory holds (to prove that a refused init wrote nothing).

export const TOKEN = "dop_v1_init-test-token-3f9a1c";
export const PASSWORD = "correct horse battery staple";

export const FLEET: DropletSeed[] = [
  { name: "db1", tags: ["database"], privateIpv4: "10.77.0.11", publicIpv4: "192.0.2.11" },
  { name: "db2", tags: ["database"], privateIpv4: "10.77.0.12", publicIpv4: "192.0.2.12" },
  { name: "lb1", tags: ["database-loadbalancer"], privateIpv4: "10.77.0.21", publicIpv4: "192.0.2.21" },
  { name: "web1", tags: ["wp-wp-app"], privateIpv4: "10.77.0.31", publicIpv4: "192.0.2.31" },
  { name: "web9", tags: ["wp-wp-app"], region: "ams3", privateIpv4: "10.77.1.39", publicIpv4: "192.0.2.39" },
];

const DSL = new URL("../../../src/index.ts", import.meta.url).pathname;

/** A site whose roles want do_api_token (operator-set, as keepalived's) and two generated secrets. */
export const SITE = `import { play, role, secret, site, z } from "${DSL}";
const db = role({ name: "db", vars: z.object({ db_password: secret(), db_name: z.string().default("wp") }), async tasks() {} });
const lb = role({ name: "lb", vars: z.object({ do_api_token: secret({ generate: false }), salts: z.object({ auth_key: secret({ length: 64, alphabet: "printable" }) }) }), async tasks() {} });
export default site({ plays: [play({ name: "db", hosts: "database", roles: [db] }), play({ name: "lb", hosts: "database_loadbalancer", roles: [lb] })] });
`;

/** A fresh directory, removed when the test ends. */
export function tempDir(prefix = "dcv-init-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file holding `content` with `mode` (token and password files must be 0600 to be read). */
export function secretFile(path: string, content: string, mode = 0o600): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

/** Every file under `dir`, relative, sorted: what an init left behind. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}
