import { relative } from "node:path";
import type { Site } from "../site/dsl.js";
import { createTemplateEngine } from "../template/index.js";
import { ConfigError } from "./errors.js";
import { filesUnder, templateScopes } from "./template-dirs.js";

/**
 * Parses every template of the site and of the roles its plays use (with the templates they
 * include, import or extend) before any host is touched: a syntax error fails the run with
 * template:line:col instead of failing a task halfway through a converge.
 */
export function checkTemplates(site: Site, siteDir: string): void {
  const problems: string[] = [];
  for (const { dir, searchPaths } of templateScopes(site, siteDir)) {
    const engine = createTemplateEngine({ searchPaths: [...searchPaths] });
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
