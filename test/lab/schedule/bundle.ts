import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { packCheckout } from "../../cli-entry.js";

const repo = new URL("../../..", import.meta.url).pathname;

/**
 * An operator's infrastructure directory as it would be on a control node, made here without
 * the network: do-converge from `npm pack` under node_modules/do-converge, its production
 * dependencies copied from this checkout's node_modules, the site's files, and this machine's node binary beside it as `node`.
 */
export function makeBundle(dir: string, files: Record<string, string>): { app: string; node: string } {
  const tgz = packCheckout(dir);
  const app = join(dir, "app");
  const modules = join(app, "node_modules");
  mkdirSync(modules, { recursive: true });
  execFileSync("tar", ["-xzf", tgz, "-C", modules]);
  renameSync(join(modules, "package"), join(modules, "do-converge"));
  const own = join(repo, "node_modules");
  for (const p of productionTree(repo)) cpSync(p, join(modules, relative(own, p)), { recursive: true, dereference: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(app, path), text);
  const node = join(dir, "node");
  copyFileSync(realpathSync(process.execPath), node);
  return { app, node };
}

/**
 * The directories of the production dependencies, transitively, found as Node resolves them
 * (a package's own node_modules first, then each one above it up to the root's). Missing
 * optional dependencies (another platform's binaries) are skipped. `npm ls` would say the same
 * but fails outright on the least oddity of a shared node_modules.
 */
export function productionTree(rootDir: string): string[] {
  const root = resolve(rootDir);
  const found = new Set<string>();
  const visit = (pkgDir: string) => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      let dir = pkgDir;
      for (;;) {
        const candidate = join(dir, "node_modules", name);
        if (existsSync(join(candidate, "package.json"))) {
          if (!found.has(candidate)) {
            found.add(candidate);
            visit(candidate);
          }
          break;
        }
        const at = dir.lastIndexOf("/node_modules/");
        if (dir === root || at < 0) break;
        // Up to the directory holding the node_modules this package sits in.
        dir = dirname(`${dir.slice(0, at)}/node_modules`);
      }
    }
  };
  visit(root);
  return [...found];
}
