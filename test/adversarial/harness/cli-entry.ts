import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("../../../", import.meta.url).pathname;

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
 * How the suite runs do-converge and what scratch sites import. `npm test` builds dist/ first:
 * then the compiled CLI runs (what operators run, and it starts in about half the time, which
 * matters over hundreds of processes). When dist/ is missing or older than any source file
 * (the suite run on its own during development), the sources run through tsx, so the suite
 * never tests stale code.
 */
export const ENTRY = distIsFresh()
  ? { kind: "dist" as const, node: [join(ROOT, "bin/do-converge.js")], dsl: join(ROOT, "dist/index.js") }
  : { kind: "src" as const, node: ["--import", join(ROOT, "node_modules/tsx/dist/loader.mjs"), join(ROOT, "src/cli/bin.ts")], dsl: join(ROOT, "src/index.ts") };
