import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;

/** Whether dist/ holds a compiled file at least as new as every source file of src/. */
function distIsFresh(): boolean {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  for (const src of walk(join(ROOT, "src"))) {
    const out = join(ROOT, "dist", relative(join(ROOT, "src"), src).replace(/\.ts$/, ".js"));
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) return false;
  }
  return true;
}

/**
 * How tests run do-converge as a process (the adversarial suite, the lab's converges, the unit
 * tests' CLI runs) and what their scratch sites import. `npm test` builds dist/ first: then the
 * compiled CLI runs (what operators run, and it starts in about half the time, which matters over
 * the suite's thousand-odd processes). `dsl` and `module` stand for "do-converge" and
 * "do-converge/module" in those sites: of the same build, or their types would not match.
 * When dist/ is missing or older than one of the source files (a test file run on its own during
 * development), the sources run through tsx, so a test never runs stale code.
 */
export const ENTRY = distIsFresh()
  ? { kind: "dist" as const, node: [join(ROOT, "bin/do-converge.js")], dsl: join(ROOT, "dist/index.js"), module: join(ROOT, "dist/module.js") }
  : { kind: "src" as const, node: ["--import", join(ROOT, "node_modules/tsx/dist/loader.mjs"), join(ROOT, "src/cli/bin.ts")], dsl: join(ROOT, "src/index.ts"), module: join(ROOT, "src/module.ts") };

/**
 * `npm pack` of this checkout into `dir`; the tarball's path. The package holds the dist/ the
 * tests run, built first only when it is stale. npm's scripts are not run: prepack's build would
 * rewrite dist/ (each file truncated, then written) under the CLI processes that test files of
 * other projects start at the same time.
 */
export function packCheckout(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!distIsFresh()) execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
  const name = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, env, encoding: "utf8" }).trim().split("\n").at(-1);
  if (name === undefined || !name.endsWith(".tgz") || !existsSync(join(dir, name))) throw new Error(`npm pack left no .tgz in ${dir} (it printed ${JSON.stringify(name)})`);
  return join(dir, name);
}
