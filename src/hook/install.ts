import { chmodSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../control-node/write-file.js";
import { DEFAULT_LOG, DEFAULT_WORK_DIR, type HookConfig, configPath, readHookConfig, writeHookConfig } from "./config.js";
import { HookError } from "./errors.js";
import { HOOK_EVENTS, type HookEvent } from "./events.js";
import { DEFAULT_PATHS } from "./paths.js";
import { type Repo, openRepo } from "./repo.js";
import { chainedName, hookScript, isOurHook } from "./script.js";

export interface InstallOptions {
  /** A directory in the repository (default: the current one). */
  repo?: string;
  site: string;
  on?: HookEvent[];
  paths?: string[];
  check?: boolean;
  wait?: boolean;
  ignoreFailure?: boolean;
  log?: string;
  branch?: string;
  workDir?: string;
  passwordFile?: string;
  lockFile?: string;
  args?: string[];
  /** Keep a foreign hook found in the way: ours runs it first. */
  chain?: boolean;
}

/** The do-converge that hooks run: this package's bin, which loads the compiled CLI (dist/). */
export function installedCli(): { node: string; bin: string } {
  const bin = fileURLToPath(new URL("../../bin/do-converge.js", import.meta.url));
  const compiled = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
  if (!existsSync(bin) || !existsSync(compiled)) throw new HookError(`${bin} or ${compiled} is missing: build do-converge first (npm run build)`);
  return { node: process.execPath, bin };
}

/**
 * Writes the hook files and the settings. Checks everything before writing anything: a foreign
 * hook in the way (without --chain), a site outside the repository, an event the repository
 * cannot have. Installing again replaces our own hooks and settings (our hooks of events no
 * longer asked for are removed), so it is idempotent.
 */
export function installHooks(o: InstallOptions, cwd: string): string[] {
  const repo = openRepo(resolve(cwd, o.repo ?? "."));
  const events = o.on?.length ? o.on : repo.bare ? (["post-receive"] as HookEvent[]) : (["post-merge"] as HookEvent[]);
  if (repo.bare) {
    const local = events.filter((e) => e !== "post-receive");
    if (local.length) throw new HookError(`${repo.gitDir} is a bare repository: it has no merges or checkouts (${local.join(", ")}); use --on post-receive`);
  }
  const site = siteInRepo(o.site, repo, cwd);
  const { node, bin } = installedCli();
  const chained = new Set<HookEvent>();
  for (const event of events) {
    const file = join(repo.hooksDir, event);
    if (!existsSync(file) || isOurHook(readFileSync(file, "utf8"))) continue;
    if (!o.chain) throw new HookError(`${file} exists and is not do-converge's: not replacing it. Move it away, or give --chain to keep it (do-converge's hook runs it first)`);
    if (existsSync(join(repo.hooksDir, chainedName(event)))) throw new HookError(`${file} is not do-converge's and ${chainedName(event)} is already taken beside it: move one of them away`);
    chained.add(event);
  }
  const config: HookConfig = {
    version: 1,
    events,
    site,
    paths: o.paths?.length ? o.paths : [...DEFAULT_PATHS],
    check: o.check ?? false,
    wait: o.wait ?? false,
    ignoreFailure: o.ignoreFailure ?? false,
    log: resolve(cwd, o.log ?? join(repo.commonDir, DEFAULT_LOG)),
    ...(o.branch ? { branch: o.branch } : {}),
    workDir: resolve(cwd, o.workDir ?? join(repo.commonDir, DEFAULT_WORK_DIR)),
    ...(o.passwordFile ? { passwordFile: resolve(cwd, o.passwordFile) } : {}),
    ...(o.lockFile ? { lockFile: resolve(cwd, o.lockFile) } : {}),
    args: o.args ?? [],
    node,
    bin,
  };
  const lines: string[] = [];
  for (const event of events) {
    const file = join(repo.hooksDir, event);
    if (chained.has(event)) {
      renameSync(file, join(repo.hooksDir, chainedName(event)));
      lines.push(`kept the existing ${event} hook as ${chainedName(event)}: it runs first`);
    }
    writeFileAtomic(file, hookScript(event, node, bin, existsSync(join(repo.hooksDir, chainedName(event)))), 0o755);
    chmodSync(file, 0o755);
    lines.push(`installed ${file}`);
  }
  for (const event of HOOK_EVENTS.filter((e) => !events.includes(e))) lines.push(...removeOne(repo, event));
  writeHookConfig(repo.commonDir, config);
  lines.push(`settings: ${configPath(repo.commonDir)}`, ...describe(config));
  return lines;
}

/** Removes our hooks (all, or those of `on`), putting back chained ones; foreign hooks stay. */
export function removeHooks(o: { repo?: string; on?: HookEvent[] }, cwd: string): string[] {
  const repo = openRepo(resolve(cwd, o.repo ?? "."));
  const events = o.on?.length ? o.on : HOOK_EVENTS;
  const lines = events.flatMap((e) => removeOne(repo, e));
  const config = readHookConfig(repo.commonDir);
  const left = config?.events.filter((e) => !events.includes(e)) ?? [];
  if (config && left.length) {
    writeHookConfig(repo.commonDir, { ...config, events: left });
  } else if (config) {
    rmSync(configPath(repo.commonDir), { force: true });
    lines.push(`removed ${configPath(repo.commonDir)} (the log stays: ${config.log})`);
  }
  return lines.length ? lines : ["no do-converge hook installed"];
}

function removeOne(repo: Repo, event: HookEvent): string[] {
  const file = join(repo.hooksDir, event);
  if (!existsSync(file) || !isOurHook(readFileSync(file, "utf8"))) return [];
  rmSync(file);
  const lines = [`removed ${file}`];
  const kept = join(repo.hooksDir, chainedName(event));
  if (existsSync(kept)) {
    renameSync(kept, file);
    lines.push(`put back the hook it ran first: ${file}`);
  }
  return lines;
}

/** What is installed where, what it does and its last log line. */
export function hookStatus(o: { repo?: string }, cwd: string): string[] {
  const repo = openRepo(resolve(cwd, o.repo ?? "."));
  const config = readHookConfig(repo.commonDir);
  const lines = [`repository: ${repo.top ?? repo.gitDir}${repo.bare ? " (bare)" : ""}`, `hooks: ${repo.hooksDir}`];
  for (const event of HOOK_EVENTS) {
    const file = join(repo.hooksDir, event);
    const state = !existsSync(file)
      ? "not installed"
      : isOurHook(readFileSync(file, "utf8"))
        ? `installed${existsSync(join(repo.hooksDir, chainedName(event))) ? ` (runs ${chainedName(event)} first)` : ""}`
        : "another hook (not do-converge's)";
    lines.push(`${event.padEnd(14)}${state}`);
  }
  if (!config) return [...lines, "no do-converge hook settings"];
  lines.push(...describe(config));
  const last = lastLine(config.log);
  lines.push(last ? `last log line: ${last}` : "the log is empty");
  return lines;
}

function describe(c: HookConfig): string[] {
  return [
    `site: ${c.site}`,
    `runs: ${c.check ? "do-converge --check --diff" : "do-converge"}${c.args.length ? ` ${c.args.join(" ")}` : ""}, ${c.wait ? `in the foreground (${c.ignoreFailure ? "a failure does not fail the git command" : "a failure is the hook's exit status"})` : "in the background (git never waits)"}`,
    `when changed: ${c.paths.join(", ")}`,
    ...(c.events.includes("post-receive") ? [`post-receive: converges pushes to ${c.branch ?? "the default branch"} from ${c.workDir}`] : []),
    `log: ${c.log}`,
  ];
}

function lastLine(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, "utf8").trimEnd().split("\n").pop() || undefined;
}

/**
 * The site as a path from the top of the repository's tree. In a work tree, an absolute path or
 * one that exists from the current directory is taken as such, and it must be in the tree; in a
 * bare repository it is the path in the pushed tree.
 */
function siteInRepo(site: string, repo: Repo, cwd: string): string {
  if (!repo.top) {
    if (isAbsolute(site)) throw new HookError(`${site}: in a bare repository, give the site's path inside the repository's tree (such as site.ts)`);
    return posix.normalize(site.split(sep).join("/"));
  }
  const fromCwd = resolve(cwd, site);
  const abs = isAbsolute(site) || existsSync(fromCwd) ? fromCwd : resolve(repo.top, site);
  const rel = relative(repo.top, abs);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new HookError(`${site}: the site must be inside the repository ${repo.top}`);
  if (!existsSync(abs)) throw new HookError(`${abs}: no such site file`);
  return rel.split(sep).join("/");
}
