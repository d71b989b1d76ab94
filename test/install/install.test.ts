import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packCheckout } from "../cli-entry.js";
import { type RunResult, run } from "../lab/exec.js";

// The package as operators get it: `npm pack` of this checkout (its dist/, test/cli-entry.ts), installed
// for real, once into an infrastructure repository (`npm i -D`) and once globally
// (`npm i -g --prefix`), each converging a site of one host over the local connection. npm
// fetches the dependencies (from its cache when it has them): these installs take minutes.

const repo = new URL("../../", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { name: string; version: string };
const dir = mkdtempSync(join(tmpdir(), "dcv-install-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const infra = join(dir, "infra");
const prefix = join(dir, "global");
const globalBin = join(prefix, "bin", "do-converge");
const globalPackage = join(prefix, "lib", "node_modules", "do-converge");
/** Where every site's task writes: outside the sites, so their own files stay as written. */
const out = join(dir, "out");

/**
 * The environment of a command run as an operator would: none of the npm_* variables that
 * `npm test` hands its children (they would point npm at this checkout), the type-check's cache
 * in the scratch directory.
 */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: join(dir, "xdg-cache") };
  for (const k of Object.keys(e)) if (k.toLowerCase().startsWith("npm_")) delete e[k];
  return e;
}

const npm = (args: readonly string[], cwd: string) => run("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd, env: env() });
const converge = (cmd: string, args: readonly string[], cwd: string) => run(cmd, args, { cwd, env: env(), allowFailure: true });

/** A site of one play on the control node itself: a directory and a file under `out`. */
function writeSite(siteDir: string, name: string, o: { head?: string; path?: string } = {}): void {
  mkdirSync(siteDir, { recursive: true });
  writeFileSync(join(siteDir, "hosts.yml"), "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n");
  writeFileSync(
    join(siteDir, "site.ts"),
    `import { play, role, site, z } from "do-converge";
${o.head ?? ""}
const hello = role({
  name: "hello",
  vars: z.object({ hello_dir: z.string().default(${JSON.stringify(join(out, name))}) }),
  async tasks(h, v) {
    await h.file({ path: v.hello_dir, state: "directory", mode: "0755" });
    await h.copy({ dest: ${o.path ?? "`${v.hello_dir}/hello.txt`"}, content: "converged\\n", mode: "0644" });
  },
});

export default site({ inventory: ["hosts.yml"], plays: [play({ name: "hello", hosts: "all", gatherFacts: false, roles: [hello] })] });
`,
  );
}

/** The recap's counts of the one host. */
function recap(r: RunResult): { ok: number; changed: number } {
  const m = /^localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0/m.exec(r.stdout);
  if (!m) throw new Error(`no clean recap line for localhost (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return { ok: Number(m[1]), changed: Number(m[2]) };
}

/** Every file under `root`, relative to it. */
function filesUnder(root: string, sub = ""): string[] {
  return readdirSync(join(root, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(root, join(sub, e.name)) : [join(sub, e.name)]));
}

beforeAll(async () => {
  const tgz = packCheckout(dir, env());
  mkdirSync(infra);
  // `npm init -y`'s package.json: no "type", so tsx compiles the site to CommonJS.
  writeFileSync(join(infra, "package.json"), `${JSON.stringify({ name: "infra", version: "1.0.0", private: true }, null, 2)}\n`);
  await Promise.all([npm(["install", "-D", tgz], infra), npm(["install", "-g", "--prefix", prefix, tgz], dir)]);
}, 900_000);

describe("the package", () => {
  it("holds no source map, nor a reference to one (src/ is not shipped)", () => {
    const files = filesUnder(join(infra, "node_modules", "do-converge"));
    expect(files).toContain("dist/cli/bin.js");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const mapped = files.filter((f) => f.endsWith(".js") && readFileSync(join(infra, "node_modules", "do-converge", f), "utf8").includes("sourceMappingURL"));
    expect(mapped).toEqual([]);
  });
});

describe("installed in the infrastructure repository (npm i -D)", () => {
  it("npx do-converge converges the site, then finds nothing to change", async () => {
    writeSite(infra, "local");
    const version = await converge("npx", ["--no", "--", "do-converge", "--version"], infra);
    expect(version.stdout.trim(), version.stderr).toBe(pkg.version);
    const first = await converge("npx", ["--no", "--", "do-converge", "site.ts"], infra);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(recap(first).changed).toBeGreaterThanOrEqual(1);
    // Its own install: nothing handed over, and no progress line off a terminal.
    expect(first.stderr).toBe("");
    const second = await converge("npx", ["--no", "--", "do-converge", "site.ts"], infra);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(recap(second).changed).toBe(0);
  });
});

describe("installed globally (npm i -g), the site's directory without node_modules", () => {
  const siteDir = join(dir, "global-site");

  it("converges the site (compiled as CommonJS: no package.json), then finds nothing to change", async () => {
    writeSite(siteDir, "global");
    const first = await converge(globalBin, ["site.ts"], siteDir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(recap(first).changed).toBeGreaterThanOrEqual(1);
    const second = await converge(globalBin, ["site.ts"], siteDir);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(recap(second).changed).toBe(0);
  });

  it("type-checks the site against the installed package's types", async () => {
    const bad = join(dir, "global-bad");
    writeSite(bad, "bad", { path: "42" });
    const r = await converge(globalBin, ["site.ts"], bad);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: the site does not type-check \(nothing was run\):\n {2}site\.ts:\d+:\d+: Type 'number' is not assignable to type 'string'/);
    expect(r.stderr).not.toMatch(/Cannot find module/);
  });

  it("resolves each subpath the package exports, in the type-check and the load (an ESM site)", async () => {
    // A subpath added to the installed package's exports: what decides is the package's own
    // "exports", not a list in do-converge.
    const manifestFile = join(globalPackage, "package.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { exports: Record<string, unknown> };
    manifest.exports["./own-package"] = { types: "./dist/site/own-package.d.ts", default: "./dist/site/own-package.js" };
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const esm = join(dir, "global-esm");
    writeSite(esm, "esm", { head: `import { OWN_NAME } from "do-converge/own-package";`, path: "`${v.hello_dir}/${OWN_NAME}.txt`" });
    writeFileSync(join(esm, "package.json"), `${JSON.stringify({ name: "infra-esm", private: true, type: "module" })}\n`);
    const r = await converge(globalBin, ["site.ts"], esm);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(out, "esm", `${pkg.name}.txt`), "utf8")).toBe("converged\n");
  });

  it("runs a site's own module made with do-converge/module: typed, converged, then unchanged", async () => {
    const own = join(dir, "global-own-module");
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, "hosts.yml"), "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n");
    const target = join(out, "own-module.txt");
    const siteText = (arg: string) => `import { play, site } from "do-converge";
import { defineModule, shellQuote, z } from "do-converge/module";

const note = defineModule({
  name: "note_file",
  args: z.object({ path: z.string(), text: z.string() }),
  async probe(ctx, a) {
    const r = await ctx.sh.run(\`cat -- \${shellQuote(a.path)} 2>/dev/null\`);
    return r.rc === 0 ? r.stdout : undefined;
  },
  diff(a, before) {
    const after = \`\${a.text}\\n\`;
    return before === after ? undefined : { summary: \`write \${a.path}\`, diffs: [{ label: a.path, before: before ?? "", after }] };
  },
  async apply(ctx, a) {
    await ctx.sh.run(\`printf '%s\\n' \${shellQuote(a.text)} > \${shellQuote(a.path)}\`);
    return {};
  },
  unchanged: () => ({}),
});

export default site({
  inventory: ["hosts.yml"],
  plays: [play({ name: "own", hosts: "all", gatherFacts: false, modules: [note], tasks: async (h) => { await h.note_file(${arg}); } })],
});
`;
    writeFileSync(join(own, "site.ts"), siteText(`{ path: ${JSON.stringify(target)}, text: 42 }`));
    const bad = await converge(globalBin, ["site.ts"], own);
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/site\.ts:\d+:\d+: Type 'number' is not assignable to type 'string'/);
    writeFileSync(join(own, "site.ts"), siteText(`{ path: ${JSON.stringify(target)}, text: "noted" }`));
    const first = await converge(globalBin, ["site.ts"], own);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(recap(first).changed).toBe(1);
    expect(readFileSync(target, "utf8")).toBe("noted\n");
    const second = await converge(globalBin, ["site.ts"], own);
    expect(recap(second).changed).toBe(0);
  });

  it("hands a site with its own do-converge over to that one, saying so", async () => {
    const r = await converge(globalBin, ["site.ts"], infra);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe(`do-converge: the site's own do-converge (${pkg.version}, node_modules/do-converge) runs it, not this one (${pkg.version}, ${globalPackage})\n`);
    // The local route's case converged this site already: the handed-over run changes nothing.
    expect(recap(r).changed).toBe(0);
  });
});
