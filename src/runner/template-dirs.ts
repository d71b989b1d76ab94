import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Role, Site } from "../site/dsl.js";

// The template directories a site's plays can render from, and where each looks templates up:
// a role's templates/ before the site's templates/ (as play.ts renders them), the site's alone.

export interface TemplateScope {
  readonly dir: string;
  readonly searchPaths: readonly string[];
  /** The roles whose templates/ this is; empty for the site's own templates/. */
  readonly roles: readonly Role[];
}

export function roleDir(siteDir: string, role: Role): string {
  return role.dir ?? join(siteDir, "roles", role.name);
}

/** The site's templates/ first, then each distinct role templates/ of the site's plays. */
export function templateScopes(site: Site, siteDir: string): TemplateScope[] {
  const siteTemplates = join(siteDir, "templates");
  const scopes = new Map<string, { dir: string; searchPaths: string[]; roles: Role[] }>([[siteTemplates, { dir: siteTemplates, searchPaths: [siteTemplates], roles: [] }]]);
  for (const play of site.plays) {
    for (const role of play.roles) {
      const dir = join(roleDir(siteDir, role), "templates");
      const scope = scopes.get(dir) ?? { dir, searchPaths: [dir, siteTemplates], roles: [] };
      if (!scope.roles.includes(role)) scope.roles.push(role);
      scopes.set(dir, scope);
    }
  }
  return [...scopes.values()];
}

/** Every file below `dir`, none when it does not exist. */
export function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}
