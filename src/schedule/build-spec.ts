import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { checkLimit } from "../runner/prepare.js";
import { checkPasswordFileMode } from "../secrets/keyring.js";
import { parseDuration } from "./duration.js";
import { ScheduleError } from "./errors.js";
import { type ScheduleSpec, defaultName } from "./spec.js";

/** The package root: this file is src/schedule/ or dist/schedule/ below it. */
const OWN_ROOT = new URL("../../", import.meta.url).pathname;

export interface InstallOptions {
  every: string;
  randomDelay?: string;
  check?: boolean;
  name?: string;
  passwordFile?: string;
  vaultPasswordFile?: string;
  inventory?: string[];
  limit?: string;
  knownHosts?: string[];
  reportDir?: string;
  keepReports: number;
  runAs?: string;
  /** Hidden, for tests: allow --every below a minute. */
  allowShortEvery?: boolean;
}

const MIN_EVERY = 60;

/** The schedule's name: --name, else the site directory's name. */
export function scheduleName(site: string, name: string | undefined): string {
  const n = name ?? defaultName(dirname(resolve(site)));
  if (!/^[A-Za-z0-9_.-]+$/.test(n)) throw new ScheduleError(`--name ${JSON.stringify(n)}: use letters, digits, _ . - only (it names files and units)`);
  return n;
}

/** Where reports go by default: /var/lib for a system schedule, the user's state directory otherwise. */
function defaultReportDir(name: string, runAs: string | undefined): string {
  if (process.getuid?.() === 0 || runAs) return join("/var/lib/do-converge", name);
  return join(process.env.XDG_STATE_HOME || join(homedir(), ".local/state"), "do-converge", name);
}

/** The do-converge that scheduled runs execute: this very installation, by absolute path. */
export function ownBin(): string {
  const bin = join(OWN_ROOT, "bin/do-converge.js");
  if (!existsSync(join(OWN_ROOT, "dist/cli/bin.js"))) throw new ScheduleError(`${OWN_ROOT}dist/ is missing: build do-converge (npm run build) before scheduling it`);
  return bin;
}

/**
 * A vault password file every run would refuse is said now, not in the journal at the first run:
 * it must exist, and unless it is a script (executable: its output is the password) be 0600.
 */
function checkVaultPasswordFile(path: string): void {
  if (!existsSync(path)) throw new ScheduleError(`--vault-password-file ${path}: no such file`);
  const stats = statSync(path);
  if (stats.isFile() && (stats.mode & 0o111) !== 0) return;
  checkPasswordFileMode(path, stats);
}

export function buildSpec(site: string, o: InstallOptions, backend: ScheduleSpec["backend"]): ScheduleSpec {
  const sitePath = resolve(site);
  if (!existsSync(sitePath)) throw new ScheduleError(`${site}: no such site file`);
  const every = parseDuration(o.every, "--every");
  if (every < MIN_EVERY && !o.allowShortEvery) throw new ScheduleError(`--every ${o.every}: at least 1m between runs`);
  const randomDelay = o.randomDelay ? parseDuration(o.randomDelay, "--random-delay") : 0;
  const passwordFile = o.passwordFile ?? process.env.DO_CONVERGE_PASSWORD_FILE;
  if (passwordFile && !existsSync(passwordFile)) throw new ScheduleError(`--password-file ${passwordFile}: no such file`);
  // Every scheduled run would refuse it: said now, not in the journal at the first run.
  if (passwordFile) checkPasswordFileMode(passwordFile, statSync(passwordFile));
  const vaultPasswordFile = o.vaultPasswordFile ?? process.env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (vaultPasswordFile) checkVaultPasswordFile(vaultPasswordFile);
  const name = scheduleName(site, o.name);
  checkLimit(o.limit);
  return {
    name,
    backend,
    site: sitePath,
    every,
    randomDelay,
    check: o.check ?? false,
    inventory: (o.inventory ?? []).map((i) => resolve(i)),
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    knownHosts: (o.knownHosts ?? []).map((k) => resolve(k)),
    ...(passwordFile ? { passwordFile: resolve(passwordFile) } : {}),
    ...(vaultPasswordFile ? { vaultPasswordFile: resolve(vaultPasswordFile) } : {}),
    reportDir: resolve(o.reportDir ?? defaultReportDir(name, o.runAs)),
    keepReports: o.keepReports,
    ...(o.runAs ? { runAs: o.runAs } : {}),
    node: process.execPath,
    bin: ownBin(),
  };
}
