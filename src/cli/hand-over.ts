import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { errorReason } from "../control-node/write-file.js";
import { SiteError } from "../site/errors.js";
import { OWN_NAME, OWN_ROOT } from "../site/own-package.js";
import { installedPackageRootFrom } from "../site/own-package-resolution.js";
import { shownPath } from "../site/source-cache.js";
import { HANDED_OVER, HandedOver } from "./handed-over.js";

const Manifest = z.object({ version: z.string(), bin: z.union([z.string(), z.record(z.string(), z.string())]) });

/** Another do-converge than the running one, installed where a site is. */
export interface SiteInstall {
  root: string;
  version: string;
  /** Its CLI's entry point (absolute). */
  bin: string;
}

/**
 * The do-converge the site's directory has installed (its node_modules, or the package the site
 * lives in), when that is another package than the running one: the project pinned it, so it
 * runs the site (see handOver). Undefined when there is none, or it is this one.
 */
export function siteInstall(siteFile: string): SiteInstall | undefined {
  const root = installedPackageRootFrom(dirname(resolve(siteFile)), OWN_NAME);
  if (root === undefined || root === OWN_ROOT) return undefined;
  const manifest = join(root, "package.json");
  const cannot = (reason: string) =>
    new SiteError(`${shownPath(manifest)}: the site's own do-converge cannot be run (${reason}); reinstall it (npm ci) or remove it: nothing was run`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifest, "utf8"));
  } catch (err) {
    throw cannot(errorReason(err));
  }
  const checked = Manifest.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw cannot(issue === undefined ? "not a package manifest" : `${issue.path.join(".") || "its manifest"}: ${issue.message}`);
  }
  const parsed = checked.data;
  const bin = typeof parsed.bin === "string" ? parsed.bin : parsed.bin[OWN_NAME];
  if (bin === undefined) throw cannot(`its "bin" names no ${OWN_NAME} command`);
  return { root, version: parsed.version, bin: join(root, bin) };
}

/** What the operator is told when the site's own do-converge takes over. */
export function handOverNotice(install: SiteInstall, ownVersion: string): string {
  return `${OWN_NAME}: the site's own ${OWN_NAME} (${install.version}, ${shownPath(install.root.slice(0, -1))}) runs it, not this one (${ownVersion}, ${OWN_ROOT.slice(0, -1)})`;
}

/**
 * Runs the same command line with the site's own do-converge, under this node, and resolves with
 * its exit code (128 + the signal's number when a signal ended it). Its output is this process's;
 * the signals an operator or a service manager sends this process are passed on to it.
 */
export function handOver(install: SiteInstall, args: readonly string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [install.bin, ...args], { stdio: "inherit", env: { ...process.env, [HANDED_OVER]: OWN_ROOT } });
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const s of signals) process.on(s, forward);
    const settle = () => {
      for (const s of signals) process.off(s, forward);
    };
    child.on("error", (err) => {
      settle();
      fail(new SiteError(`${shownPath(install.bin)}: the site's own do-converge cannot be run: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      settle();
      done(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

/**
 * Before the action of a command that names a site: when the site has its own do-converge
 * installed, that one runs the whole command line instead (HandedOver thrown with its exit code),
 * after one line on stderr saying so. The project's pinned version is what its site was written
 * and checked against; this process's engine never meets that site.
 */
export async function handOverToSiteInstall(site: string, args: readonly string[], ownVersion: string): Promise<void> {
  const install = siteInstall(site);
  if (install === undefined) return;
  process.stderr.write(`${handOverNotice(install, ownVersion)}\n`);
  throw new HandedOver(await handOver(install, args));
}
