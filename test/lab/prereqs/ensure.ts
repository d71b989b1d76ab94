import { hostDebianSources } from "../apt-sources.js";
import { PrerequisitesError } from "../errors.js";
import { lowInotifyLimits, raiseInotifyLimits } from "./inotify.js";
import { SUITE_PACKAGES, LAB_PACKAGES, aptGet, aptInstallArgv, missingPackages, withoutCandidate } from "./packages.js";
import { bridgeProblem, nspawnProblem, overlayProblem } from "./probes.js";
import { containerProblems, isRoot, platformProblem } from "./system.js";

export interface PrerequisitesOptions {
  /** How many hosts the lab will run: the inotify limits are sized for them. */
  hosts: number;
  /** ansible-core too (the template parity test, the benchmark). */
  ansible: boolean;
  /** false: install and raise nothing, fail naming what is missing (`prereqs --check`). */
  install: boolean;
  /** Where the lab keeps its hosts: the overlay and nspawn probes run there. */
  labRoot: string;
  /** The command a person runs again as root (`npm test`), for the message to a non-root user. */
  rerun: string;
  log: (line: string) => void;
}

/**
 * The one set-up step of everything that boots the lab (`npm test`, `npm run demo`, `npm run
 * test:e2e`, `npm run bench`, `npm run lab -- up`, .ci/run): checks the Debian packages and the
 * kernel features the lab needs, and as root installs the missing packages with apt-get. Every
 * check that needs no missing package runs before anything is installed, so a machine where the
 * lab cannot run (not root, not Debian, an unprivileged container) is refused with nothing
 * installed. With everything present it runs no apt command at all.
 */
export async function ensurePrerequisites(o: PrerequisitesOptions): Promise<void> {
  const platform = platformProblem();
  if (platform) throw new PrerequisitesError(`${platform}: nothing was installed (npm run test:unit runs the unit tests, which need no lab)`, []);

  const wanted = [...LAB_PACKAGES, ...(o.ansible ? SUITE_PACKAGES : [])];
  const missing = await missingPackages(wanted.map((p) => p.name));
  if (!isRoot()) {
    const also = missing.length > 0 ? ` and the Debian packages ${missing.join(", ")}` : "";
    throw new PrerequisitesError(`the lab needs root (mounts, a bridge, systemd-nspawn)${also}: run it as root: sudo ${o.rerun}`, missing);
  }

  const has = (pkg: string) => !missing.includes(pkg);
  const confined = containerProblems();
  const problems = [...confined];
  if (hostDebianSources().length === 0) problems.push("this machine's apt sources name no Debian 12 (bookworm) archive, which the lab's hosts are built from");
  // Probes only where the simple checks found nothing: they would fail for the same reason, less clearly.
  const probed = { bridge: false, nspawn: false };
  if (problems.length === 0) {
    const overlay = await overlayProblem(o.labRoot);
    if (overlay) problems.push(overlay);
    if (has("iproute2")) {
      probed.bridge = true;
      const bridge = await bridgeProblem();
      if (bridge) problems.push(bridge);
    }
    if (has("systemd-container")) {
      probed.nspawn = true;
      const nspawn = await nspawnProblem(o.labRoot);
      if (nspawn) problems.push(nspawn);
    }
  }
  if (problems.length > 0) {
    const where = confined.length > 0 ? "; run it on a machine or VM of its own, or in a container started with --privileged" : "";
    const untouched = missing.length > 0 ? `; nothing was installed (missing too: ${missing.join(", ")})` : "";
    throw new PrerequisitesError(`the lab cannot run on this machine: ${problems.join("; ")}${where}${untouched}`, missing);
  }

  if (missing.length > 0) {
    if (!o.install) {
      throw new PrerequisitesError(`missing Debian packages: ${missing.join(", ")}; as root, ${aptInstallArgv(missing).join(" ")} installs them`, missing);
    }
    const why = wanted.filter((p) => missing.includes(p.name)).map((p) => `${p.name} (${p.why})`);
    o.log(`installing ${why.join(", ")}`);
    await install(missing, o.log);
    const late = [probed.bridge ? undefined : await bridgeProblem(), probed.nspawn ? undefined : await nspawnProblem(o.labRoot)].filter(
      (p): p is string => p !== undefined,
    );
    if (late.length > 0) throw new PrerequisitesError(`installed ${missing.join(", ")}, but the lab cannot run on this machine: ${late.join("; ")}`, []);
  }

  if (!o.install) {
    const low = lowInotifyLimits(o.hosts);
    if (low.length > 0) {
      const fix = low.map((l) => `sysctl -w fs.inotify.${l.key}=${l.want}`).join("; ");
      throw new PrerequisitesError(`inotify limits too low for ${o.hosts} lab hosts (${low.map((l) => `${l.key} ${l.have} < ${l.want}`).join(", ")}): ${fix}`, []);
    }
    return;
  }
  for (const line of raiseInotifyLimits(o.hosts)) o.log(line);
}

/**
 * apt-get install of exactly `names`. The package lists are fetched first only when apt knows no
 * version of one of them (a fresh machine), or again after a failed install (stale lists name
 * versions the mirror no longer has). apt downloads every package before unpacking any, so a
 * failed download installs nothing.
 */
async function install(names: readonly string[], log: (line: string) => void): Promise<void> {
  const update = async (why: string) => {
    log(`apt-get update: ${why}`);
    const code = await aptGet(["apt-get", "update", "-q"]);
    if (code !== 0) throw new PrerequisitesError(`apt-get update failed (exit ${code}; apt's messages above): cannot install ${names.join(", ")}`, names);
  };
  const unknown = await withoutCandidate(names);
  if (unknown.length > 0) await update(`apt knows no version of ${unknown.join(", ")} yet`);
  let code = await aptGet(aptInstallArgv(names));
  if (code !== 0) {
    await update(`apt-get install failed (exit ${code}); its package lists may be out of date`);
    code = await aptGet(aptInstallArgv(names));
  }
  if (code !== 0) throw new PrerequisitesError(`${aptInstallArgv(names).join(" ")} failed (exit ${code}; apt's messages above)`, names);
  const still = await missingPackages(names);
  if (still.length > 0) throw new PrerequisitesError(`apt-get install finished but dpkg has not installed ${still.join(", ")}`, still);
}

/**
 * What a person runs again as root: the npm script that ran this step as its pre-script
 * ("pretest" → "npm test"), else the lab command itself.
 */
export function rerunCommand(env: NodeJS.ProcessEnv, labArgs: readonly string[]): string {
  const event = env["npm_lifecycle_event"];
  if (event?.startsWith("pre") && event.length > 3) {
    const script = event.slice(3);
    return script === "test" ? "npm test" : `npm run ${script}`;
  }
  return `npm run lab -- ${labArgs.join(" ")}`.trimEnd();
}
