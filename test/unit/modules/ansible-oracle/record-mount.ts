import { existsSync, writeFileSync } from "node:fs";
import { MOUNT_CASES } from "../mount-fstab.cases.js";
import { VENDORED_COLLECTIONS, runAnsibleModule } from "./oracle.js";

// Records what ansible.posix.mount (1.5.4, the release in Debian 12's `ansible` package) makes of
// each fstab case into ../mount-fstab.expected.json. Only states that edit the file alone are
// recorded. Usage: npx tsx test/unit/modules/ansible-oracle/record-mount.ts [COLLECTIONS_ROOT]
// COLLECTIONS_ROOT holds ansible_collections/ (default: the copy vendored in the test fixtures,
// test/fixtures/collections/VENDORED.md).


export const MOUNT_MODULE = "ansible_collections.ansible.posix.plugins.modules.mount";

export function hasAnsiblePosix(root = VENDORED_COLLECTIONS): boolean {
  return existsSync(`${root}/ansible_collections/ansible/posix/plugins/modules/mount.py`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? VENDORED_COLLECTIONS;
  if (!hasAnsiblePosix(root)) throw new Error(`no ansible.posix under ${root}`);
  for (const c of MOUNT_CASES) if (existsSync(c.args.path) && c.args.path !== "none") throw new Error(`${c.args.path} exists here: the oracle must not touch a real mount point`);
  const out = runAnsibleModule(MOUNT_CASES.map((c) => ({ module: MOUNT_MODULE, path: root, content: c.content, args: c.args, file_arg: "fstab" })));
  const recorded = Object.fromEntries(MOUNT_CASES.map((c, i) => [c.name, out[i]]));
  writeFileSync(new URL("../mount-fstab.expected.json", import.meta.url), `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`recorded ${MOUNT_CASES.length} cases`);
}
