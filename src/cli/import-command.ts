import { importRole } from "../import/role.js";

export interface ImportRoleCommandOptions {
  name?: string;
  out?: string;
}

/**
 * `do-converge import role DIR`: writes the typed role and prints what was converted; every task
 * left as notConverted() is listed with its Ansible file:line, and the exit code is then 1.
 */
export function importRoleCommand(dir: string, opts: ImportRoleCommandOptions, write: (line: string) => void): number {
  const r = importRole(dir, { ...(opts.name ? { name: opts.name } : {}), ...(opts.out ? { out: opts.out } : {}) });
  write(`role ${r.name} written to ${r.out}: ${r.converted}/${r.tasks - r.dropped} tasks converted (${r.dropped} dropped: only for other OS families)`);
  if (r.notConverted.length === 0) return 0;
  write(`${r.notConverted.length} place(s) not converted (the role fails the site's type-check until each is converted by hand):`);
  for (const p of r.notConverted) write(`  ${dir.replace(/\/+$/, "")}/${p.at}: ${p.what}: ${p.why}`);
  return 1;
}
