import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Site } from "../site/dsl.js";
import { createTemplateEngine } from "../template/index.js";
import { ConfigError } from "./errors.js";

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Parses every template of the site and of the roles its plays use (with the templates they
 * include, import or extend) before any host is touched: a syntax error fails the run with
 * template:line:col instead of failing a task halfway through a converge.
 */
export function checkTemplates(site: Site, siteDir: string): void {
  const siteTemplates = join(siteDir, "templates");
  const scopes = new Map<string, string[]>([[siteTemplates, [siteTemplates]]]);
  for (const play of site.plays) {
    for (const role of play.roles) {
      const dir = join(role.dir ?? join(siteDir, "roles", role.name), "templates");
      scopes.set(dir, [dir, siteTemplates]);
    }
  }
  const problems: string[] = [];
  for (const [dir, searchPaths] of scopes) {
    const engine = createTemplateEngine({ searchPaths });
    for (const file of filesUnder(dir)) {
      try {
        engine.check(relative(dir, file));
      } catch (err) {
        problems.push(`${relative(siteDir, dir)}/${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`template errors (nothing was run):\n  ${problems.join("\n  ")}`);
}
