import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRY } from "../cli-entry.js";
import { DSL, LOCAL_INVENTORY, cli, scratchDir, siteSource } from "./safety/cli-helpers.js";

// What the CLI loads, read from a resolve hook that lists every module the process resolves (no
// timings): the commands a run does not choose, the modules its tasks do not use and, for an
// unchanged site, the TypeScript compiler stay unloaded.

const dir = scratchDir("cli-start");
const hook = join(dir, "record-modules.mjs");
writeFileSync(
  hook,
  `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(\`
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.DCV_MODULES_LOG) appendFileSync(process.env.DCV_MODULES_LOG, r.url + "\\\\n");
  return r;
}\`));
`,
);

let runs = 0;
/** The CLI's output and the URLs of the modules it resolved. */
async function loaded(cwd: string, args: string[]): Promise<{ code: number; output: string; urls: string[] }> {
  const log = join(dir, `modules-${++runs}.log`);
  writeFileSync(log, "");
  const r = await cli(cwd, args, { DCV_MODULES_LOG: log, NODE_OPTIONS: `--import ${hook}` });
  return { code: r.code, output: r.stdout + r.stderr, urls: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

/** The CLI's own modules as the build under test names them: src/X.ts, or dist/X.js (test/cli-entry.ts). */
const [ROOT, EXT] = ENTRY.kind === "dist" ? ["dist", "js"] : ["src", "ts"];
const own = (modules: string, others = ""): RegExp => new RegExp(`/${ROOT}/(${modules})\\.${EXT}$${others}`);
const ownFile = (path: string): string => `/${ROOT}/${path}.${EXT}`;

/** Modules of the commands' implementations and the engine (error classes are not among them). */
const implementation = own(
  "cli/(run|inventory|template|import|init|secrets|schedule|doc)-command|runner/run-site|template/engine|modules/(loaders|registry)|doc/generate|transport/ssh|inventory/load|hook/install|hook/run",
  "|/node_modules/(ssh2|typescript|nunjucks)/",
);

describe("the CLI's start", { timeout: 120_000 }, () => {
  it("--version and --help load no command's implementation", async () => {
    for (const flag of ["--version", "--help"]) {
      const r = await loaded(dir, [flag]);
      expect(r.code, r.output).toBe(0);
      // The hook saw the CLI itself: an empty list would prove nothing.
      expect(r.urls.some((u) => u.endsWith(ownFile("cli/main")))).toBe(true);
      expect(r.urls.filter((u) => implementation.test(u))).toEqual([]);
    }
  });

  it("doc loads the modules' definitions, not a converge's engine", async () => {
    const r = await loaded(dir, ["doc", "copy"]);
    expect(r.code, r.output).toBe(0);
    expect(r.urls.some((u) => u.endsWith(ownFile("cli/doc-command")))).toBe(true);
    expect(r.urls.filter((u) => own("runner/run-site|transport/ssh|inventory/load", "|/node_modules/(ssh2|typescript)/").test(u))).toEqual([]);
  });

  it("a converge loads the modules its tasks use, and the compiler only for a changed site", async () => {
    const site = join(dir, "site");
    mkdirSync(site);
    writeFileSync(join(site, "hosts.yml"), LOCAL_INVENTORY);
    writeFileSync(join(site, "site.ts"), siteSource(`await h.file({ path: ${JSON.stringify(join(site, "marker"))}, state: "touch" });`));
    const first = await loaded(site, ["site.ts", "-i", "hosts.yml"]);
    expect(first.code, first.output).toBe(0);
    expect(first.urls.some((u) => u.includes("/node_modules/typescript/"))).toBe(true);
    const again = await loaded(site, ["site.ts", "-i", "hosts.yml"]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("ok=1");
    expect(again.urls.filter((u) => u.includes("/node_modules/typescript/"))).toEqual([]);
    expect(again.urls.some((u) => u.endsWith(ownFile("modules/file")))).toBe(true);
    expect(again.urls.filter((u) => own("modules/(mysql|postgresql-db|apt|git|uri)").test(u))).toEqual([]);
  });

  it("an ESM site shares the engine's modules: the DSL's own errors are told as such", async () => {
    // Loaded as a second copy of the engine, the DSL's SiteError was another class, and the
    // message said the file could not be loaded at all. (A site outside an ESM package is
    // compiled to CommonJS, and its require()s load a CommonJS copy still.)
    const site = join(dir, "no-plays");
    mkdirSync(site);
    writeFileSync(join(site, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(site, "site.ts"), `import { site } from ${JSON.stringify(DSL)};\nexport default site({ plays: [] });\n`);
    const r = await cli(site, ["site.ts", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: site\.ts: site: plays: Too small: expected array to have >=1 items\n$/);
  });
});
