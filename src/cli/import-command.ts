import { basename, dirname, resolve } from "node:path";
import { ImportError } from "../import/errors.js";
import { importPlaybook } from "../import/playbook.js";
import { importRole } from "../import/role.js";

export interface ImportRoleCommandOptions {
  name?: string;
  out?: string;
}

/**
 * `do-converge import role DIR`: writes the typed role and prints what was converted; every task
 * left as notConverted() is listed with its Ansible file:line, and the exit code is then 1.
 * A site finds a role's templates, files and vars under roles/<name>, so the role is named after
 * the folder it is written to: `--out` alone names it, and `--name` with another `--out` is refused.
 */
export function importRoleCommand(dir: string, opts: ImportRoleCommandOptions, write: (line: string) => void): number {
  const folder = opts.out === undefined ? undefined : basename(resolve(opts.out));
  if (opts.name !== undefined && folder !== undefined && folder !== opts.name) {
    throw new ImportError(opts.out ?? "", `--out is a folder named ${folder}, but the role is named ${opts.name}: a site finds a role's templates, files and vars under roles/<name> (give --out .../${opts.name}, or leave out --name)`);
  }
  const name = opts.name ?? folder;
  const r = importRole(dir, { ...(name ? { name } : {}), ...(opts.out ? { out: opts.out } : {}) });
  write(`role ${r.name} written to ${r.out}: ${r.converted}/${r.tasks - r.dropped} tasks converted (${r.dropped} dropped: only for other OS families)`);
  if (r.notConverted.length === 0) return 0;
  write(`${r.notConverted.length} place(s) not converted (the role fails the site's type-check until each is converted by hand):`);
  for (const p of r.notConverted) write(`  ${dir.replace(/\/+$/, "")}/${p.at}: ${p.what}: ${p.why}`);
  return 1;
}

export interface ImportPlaybookCommandOptions {
  out?: string;
}

/**
 * `do-converge import playbook FILE`: writes site.ts and the roles it uses, and prints what was
 * converted; every place left as notConverted() (in the playbook or a role) is listed with its
 * Ansible file:line, and the exit code is then 1.
 */
export function importPlaybookCommand(file: string, opts: ImportPlaybookCommandOptions, write: (line: string) => void): number {
  const r = importPlaybook(file, opts.out ? { out: opts.out } : {});
  const roleTasks = r.roles.reduce((n, x) => n + x.tasks - x.dropped, 0);
  const roleConverted = r.roles.reduce((n, x) => n + x.converted, 0);
  write(`${r.site} written: ${r.plays} play(s), ${r.converted}/${r.tasks - r.dropped} playbook tasks converted; ${r.roles.length} role(s) under ${r.out}/roles: ${roleConverted}/${roleTasks} tasks converted`);
  const places = [...r.notConverted.map((p) => ({ ...p, at: `${dirname(file)}/${p.at}`.replace(/^\.\//, "") })), ...r.roles.flatMap((x) => x.notConverted.map((p) => ({ ...p, at: `${x.out}/${p.at}` })))];
  if (places.length === 0) return 0;
  write(`${places.length} place(s) not converted (the site fails its type-check until each is converted by hand):`);
  for (const p of places) write(`  ${p.at}: ${p.what}: ${p.why}`);
  return 1;
}
