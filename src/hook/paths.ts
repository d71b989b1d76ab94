import { posix } from "node:path";

/** What changes trigger a converge when the operator gives no --paths: the site, its roles, templates, inventory and Terraform. */
export const DEFAULT_PATHS: readonly string[] = ["site.ts", "roles/", "templates/", "inventory/", "*.tf", "terraform.tfstate"];

/**
 * A gitignore-style pattern, relative to the site's directory: `*` and `?` stay within a path
 * segment, `**` crosses them; a trailing `/` means a directory (everything below it); a pattern
 * with no other `/` matches at every depth (`*.tf` is also `terraform/main.tf`), one with a leading
 * or middle `/` is anchored at the site's directory. A pattern that names a directory matches
 * every file below it, as git's own patterns do.
 */
export function compilePattern(pattern: string): (path: string) => boolean {
  let p = pattern.trim();
  const dirOnly = p.endsWith("/");
  p = p.replace(/\/+$/, "");
  const anchored = p.startsWith("/") || p.includes("/");
  p = p.replace(/^\/+/, "");
  if (p === "") return () => false;
  let body = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (p.startsWith("**/", i)) {
      body += "(?:.*/)?";
      i += 2;
    } else if (p.startsWith("/**", i) && i + 3 === p.length) {
      body += "/.*";
      i += 2;
    } else if (p.startsWith("**", i)) {
      body += ".*";
      i += 1;
    } else if (c === "*") body += "[^/]*";
    else if (c === "?") body += "[^/]";
    else body += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const re = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}${dirOnly ? "/.+" : "(?:/.+)?"}$`);
  return (path) => re.test(path);
}

/**
 * The changed paths (relative to the repository's top) that trigger a converge: those under the
 * site's directory that match a pattern, and the site file itself whatever the patterns say.
 */
export function matchingPaths(changed: readonly string[], patterns: readonly string[], site: string): string[] {
  const tests = patterns.map(compilePattern);
  const siteDir = posix.dirname(posix.normalize(site));
  const siteFile = posix.normalize(site);
  return changed.filter((path) => {
    if (path === siteFile) return true;
    const rel = siteDir === "." ? path : path.startsWith(`${siteDir}/`) ? path.slice(siteDir.length + 1) : undefined;
    return rel !== undefined && tests.some((t) => t(rel));
  });
}

/** The --paths option: comma-separated patterns, blanks dropped. */
export function parsePaths(list: string): string[] {
  return list.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
