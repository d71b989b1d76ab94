import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Site } from "../site/dsl.js";
import { createTemplateEngine } from "../template/index.js";
import { MissingTemplateError, SearchPathLoader } from "../template/loader.js";
import { siteCode } from "./code-provided-vars.js";
import { ConfigError } from "./errors.js";
import { filesUnder, roleDir, templateScopes } from "./template-dirs.js";

/**
 * Parses every template of the site and of the roles its plays use (with the templates they
 * include, import or extend) before any host is touched: a syntax error fails the run with
 * template:line:col instead of failing a task halfway through a converge.
 */
export function checkTemplates(site: Site, siteDir: string): void {
  const problems: string[] = [];
  for (const { dir, searchPaths } of templateScopes(site, siteDir)) {
    const engine = createTemplateEngine({ searchPaths: [...searchPaths] });
    const names = filesUnder(dir).map((file) => relative(dir, file));
    // A partial is read with the syntax of the template that includes it (its `#jinja2:` line or
    // delimiters), so it is checked through that template, not on its own.
    const referenced = new Set<string>();
    for (const name of names) {
      try {
        for (const r of engine.references(name)) if (r !== name) referenced.add(r);
      } catch {
        // A template that does not parse names nothing; check() below reports it.
      }
    }
    for (const name of names) {
      if (referenced.has(name.split(sep).join("/"))) continue;
      try {
        engine.check(name);
      } catch (err) {
        problems.push(`${relative(siteDir, dir)}/${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`template errors (nothing was run):\n  ${problems.join("\n  ")}`);
}

/**
 * Before any host is touched: a template named by a literal `src` (`h.template({ src: "x.njk",
 * ... })`) must exist, or the run would stop at that task after earlier tasks changed the hosts.
 *
 * Only calls in the site file and in the directories of the roles its plays use are judged (a
 * test or another site beside it is none of this run's business), and a name counts as found
 * when any template directory of the site has it: a call in a shared helper may run for a role
 * whose templates/ is not the one beside the helper.
 */
export async function checkTemplateSources(site: Site, siteFile: string): Promise<void> {
  const file = resolve(siteFile);
  const siteDir = dirname(file);
  const scopes = templateScopes(site, siteDir);
  const roleDirs = [...new Set(scopes.flatMap((s) => s.roles.map((r) => roleDir(siteDir, r))))];
  const ours = (path: string) => path === file || roleDirs.some((d) => isBelow(path, d));
  const searchPaths = [...new Set(scopes.flatMap((s) => s.searchPaths))];
  const loader = new SearchPathLoader(searchPaths);
  const problems: string[] = [];
  for (const call of (await siteCode(site, siteDir)).templateCalls) {
    if (!ours(resolve(siteDir, call.file))) continue;
    try {
      loader.load(call.src);
    } catch (err) {
      if (!(err instanceof MissingTemplateError)) throw err;
      problems.push(`${call.file}:${call.line}: template '${call.src}' not found in ${searchPaths.map((d) => `${relative(siteDir, d) || "."}/`).join(", ")}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`missing template${problems.length > 1 ? "s" : ""} (nothing was run):\n  ${problems.join("\n  ")}`);
}

function isBelow(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}
