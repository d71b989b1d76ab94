import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readdirSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const repo = new URL("../../..", import.meta.url).pathname;

/**
 * An operator's infrastructure directory as it would be on a control node, made here without
 * the network: do-converge from `npm pack` under node_modules/do-converge, its production
 * dependencies copied from this checkout's node_modules (the same tree `npm ls --omit=dev`
 * names), the site's files, and this machine's node binary beside it as `node`.
 */
export function makeBundle(dir: string, files: Record<string, string>): { app: string; node: string } {
  execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack left no .tgz in ${dir}`);
  const app = join(dir, "app");
  const modules = join(app, "node_modules");
  mkdirSync(modules, { recursive: true });
  execFileSync("tar", ["-xzf", join(dir, tgz), "-C", modules]);
  renameSync(join(modules, "package"), join(modules, "do-converge"));
  const own = join(repo, "node_modules");
  const deps = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: repo, encoding: "utf8" })
    .split("\n")
    .filter((p) => p.startsWith(`${own}/`));
  for (const p of deps) cpSync(p, join(modules, relative(own, p)), { recursive: true, dereference: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(app, path), text);
  const node = join(dir, "node");
  copyFileSync(realpathSync(process.execPath), node);
  return { app, node };
}
