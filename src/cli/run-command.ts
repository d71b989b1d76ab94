import { dirname, join, resolve } from "node:path";
import { loadInventory } from "../inventory/load.js";
import { inventorySource, resolveInventoryArg } from "../inventory/source-factory.js";
import { formatInventoryWarning } from "../inventory/warnings.js";
import { JsonReporter } from "../report/json.js";
import { JunitReporter } from "../report/junit.js";
import { TaskProfile } from "../report/profile.js";
import { ProgressLine, TypecheckLine } from "../report/progress.js";
import { TerminalReporter } from "../report/terminal.js";
import type { RunEvent } from "../runner/events.js";
import type { HostStats } from "../runner/stats.js";
import type { RunOptions, TemplateRenderer } from "../runner/options.js";
import { runSite } from "../runner/run-site.js";
import { checkTemplateSources, checkTemplates } from "../runner/template-check.js";
import { typecheckSite } from "../site/typecheck.js";
import { defaultSshOptions } from "../transport/ssh.js";
import { readExtraVars } from "./extra-vars.js";
import { loadSite } from "./load-site.js";
import { packageInfo } from "./package-info.js";
import { checkRunOptions } from "./run-preflight.js";
import { RunLockBusy, acquireRunLock } from "../control-node/run-lock.js";
import { historyDir, keepReport, readHistory } from "../report/history.js";
import { HtmlReporter } from "../report/html.js";
import { type RunOutcome, emitSummary } from "../report/summary-line.js";
import { cliDecrypt } from "./decrypt.js";
import type { VaultCliOptions } from "./vault-options.js";
import { promptSecret } from "./prompt.js";
import { maskEvent } from "../report/masked-event.js";
import { SecretMasker } from "../secrets/masker.js";
import { runSecretsOfEnvironment } from "./run-secrets-input.js";

export interface RunCommandOptions extends VaultCliOptions {
  inventory?: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string;
  skipTags?: string;
  extraVars?: string[];
  forks: number;
  /** Tries left for hosts that became unreachable (0: none). */
  retryUnreachable?: number;
  verbose: number;
  json?: string;
  junit?: string;
  /** A run report to look at: one self-contained HTML page. */
  html?: string;
  profile?: boolean;
  profileTop: number;
  acceptNewHostKeys?: boolean;
  knownHosts?: string[];
  askBecomePass?: boolean;
  /** commander's --no-typecheck sets this false. */
  typecheck: boolean;
  /** commander's --no-fast-path sets this false (true or unset: on). */
  fastPath?: boolean;
  refreshInventory?: boolean;
  passwordFile?: string;
  lockFile?: string;
  /** Exit 3 when the run changed something (or would, with --check): drift for monitoring. */
  detectDrift?: boolean;
  /** One summary line per run to syslog (and stdout): for timers and cron. */
  syslog?: boolean;
  /** With --json: also keep this many timestamped copies of the report under history/. */
  keepReports?: number;
}

/** Exit code of a run that changed something under --detect-drift (and failed nowhere). */
export const EXIT_DRIFT = 3;

const list = (s: string | undefined) => (s ? s.split(",").map((t) => t.trim()).filter(Boolean) : []);

/** `do-converge SITE`: loads the site and inventory, converges, reports; returns the exit code. */
export async function runCommand(siteFile: string, o: RunCommandOptions, templates: TemplateRenderer): Promise<number> {
  const summary = (outcome: Omit<RunOutcome, "site" | "check">) =>
    o.syslog && emitSummary({ site: resolve(siteFile), check: o.check ?? false, ...outcome }, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  let lock: ReturnType<typeof acquireRunLock>;
  try {
    // Before anything else, so a timer firing during an operator's run leaves at once.
    lock = acquireRunLock(resolve(o.lockFile ?? join(dirname(resolve(siteFile)), ".do-converge.lock")));
  } catch (err) {
    if (err instanceof RunLockBusy) summary({ exitCode: 8, skipped: `skipped: another run holds the lock${err.holder ? ` (pid ${err.holder})` : ""}` });
    else summary({ exitCode: 1, skipped: "error: cannot take the run lock" });
    throw err;
  }
  // One masker for the whole run, filled as secrets are met (decrypted files, the API token, the
  // become password, the roles' secret() values) and applied at every sink, errors included.
  const secrets = new SecretMasker();
  try {
    const r = await converge(siteFile, o, templates, secrets);
    summary({ exitCode: r.exitCode, recap: r.recap });
    return r.exitCode;
  } catch (err) {
    if (err instanceof Error) {
      err.message = secrets.mask(err.message);
      if (err.stack !== undefined) err.stack = secrets.mask(err.stack);
    }
    // The message (printed by main) may quote configuration; the line names the error's kind only.
    summary({ exitCode: 1, skipped: `error: ${err instanceof Error ? err.name : "unknown"}, nothing was run (see the run's output)` });
    throw err;
  } finally {
    lock.release();
  }
}

async function converge(
  siteFile: string,
  o: RunCommandOptions,
  templates: TemplateRenderer,
  secrets: SecretMasker,
): Promise<{ exitCode: number; recap: ReadonlyMap<string, HostStats> }> {
  checkRunOptions(o);
  runSecretsOfEnvironment(secrets, process.env);
  // Shown on a terminal only, as the run's progress line is: the first run after a change
  // waits seconds for the compiler, and should say so.
  if (o.typecheck) await typecheckSite(siteFile, packageInfo().version, process.stderr.isTTY ? new TypecheckLine((s) => process.stderr.write(s)) : undefined);
  const site = await loadSite(siteFile);
  const siteDir = dirname(resolve(siteFile));
  checkTemplates(site, siteDir);
  await checkTemplateSources(site, siteFile);
  const sources = (o.inventory?.length ? o.inventory.map((i) => resolveInventoryArg(i)) : site.inventory.map((i) => resolveInventoryArg(i, siteDir))).map(
    (path) =>
      inventorySource(path, {
        refresh: o.refreshInventory === true,
        onNotice: (line) => process.stderr.write(`${secrets.mask(line)}\n`),
        onSecret: (value) => secrets.add(value),
      }),
  );
  const decrypt = cliDecrypt(o, secrets);
  const inventory = await loadInventory({ sources, siteDirs: [siteDir], decrypt });
  const ssh = defaultSshOptions();
  const becomePassword = o.askBecomePass ? await promptSecret("BECOME password: ") : process.env.DO_CONVERGE_BECOME_PASSWORD;
  secrets.add(becomePassword);
  const extraVars = await readExtraVars(o.extraVars ?? [], decrypt);
  const options: RunOptions = {
    check: o.check ?? false,
    diff: o.diff ?? false,
    forks: o.forks,
    retryUnreachable: o.retryUnreachable ?? 0,
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    tags: list(o.tags),
    skipTags: list(o.skipTags),
    extraVars: extraVars.values,
    extraVarsExact: extraVars.exact,
    verbosity: o.verbose,
    ssh: {
      ...ssh,
      hostKeyPolicy: o.acceptNewHostKeys ? "accept-new" : "strict",
      ...(o.knownHosts?.length ? { knownHostsFiles: [...o.knownHosts, ...ssh.knownHostsFiles] } : {}),
    },
    ...(becomePassword !== undefined ? { becomePassword } : {}),
    ...(o.fastPath === false ? { noFastPath: true } : {}),
  };
  const terminal = new TerminalReporter({
    // Masked as written: the diffs it renders from raw texts (see maskEvent) included.
    write: (s) => process.stdout.write(secrets.mask(s)),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    verbosity: o.verbose,
    diff: options.diff,
  });
  const mask = (text: string) => secrets.mask(text);
  const json = new JsonReporter(mask);
  const junit = new JunitReporter(Date.now, mask);
  const html = o.html === undefined ? undefined : new HtmlReporter({ mask, diff: options.diff });
  const profile = new TaskProfile();
  const progress = process.stderr.isTTY ? new ProgressLine((s) => process.stderr.write(secrets.mask(s))) : undefined;
  const emit = (raw: RunEvent) => {
    const e = maskEvent(raw, secrets);
    progress?.clear();
    terminal.handle(e);
    json.handle(e);
    junit.handle(e);
    html?.handle(e);
    profile.handle(e);
    progress?.handle(e);
  };
  for (const w of inventory.warnings) emit({ type: "warning", msg: formatInventoryWarning(w) });
  const result = await runSite(site, inventory, options, { siteDir, emit, templates, secrets, decrypt });
  progress?.clear();
  terminal.recap(result.recap);
  if (o.profile) terminal.profile(profile.entries(), o.profileTop, result.fastPath);
  const drifted = [...result.recap.values()].some((s) => s.changed > 0);
  // The report tells the exit code the process ends with: monitoring reads either.
  const exitCode = result.exitCode === 0 && o.detectDrift && drifted ? EXIT_DRIFT : result.exitCode;
  // The hosts are converged by now: a report that cannot be written (its destination was checked
  // before the run; a disk may still fill up) is said on stderr, and the exit code stays the run's.
  const report = (write: () => void): boolean => {
    try {
      write();
      return true;
    } catch (err) {
      process.stderr.write(`ERROR: ${secrets.mask(err instanceof Error ? err.message : String(err))}\n`);
      return false;
    }
  };
  let kept: string | undefined;
  if (o.json !== undefined) {
    const file = o.json;
    const keep = o.keepReports;
    // No copy of a report that was not written: the history would hold the previous run's twice.
    if (report(() => json.write(file, result.recap, { check: options.check, exitCode, ...(result.fastPath ? { fastPath: result.fastPath } : {}) })) && keep) {
      report(() => {
        kept = keepReport(file, keep);
      });
    }
  }
  if (o.junit !== undefined) {
    const file = o.junit;
    report(() => junit.write(file));
  }
  if (html !== undefined && o.html !== undefined) {
    const file = o.html;
    // The runs kept beside the JSON report, this one's copy aside: the page has it from the run.
    const read = o.json ? readHistory(historyDir(o.json), kept) : undefined;
    const history = read && (kept !== undefined || read.runs.length > 0 || read.unreadable.length > 0) ? read : undefined;
    report(() => html.write(file, result.recap, { site: siteFile, check: options.check, exitCode, ...(history ? { history } : {}) }));
  }
  return { exitCode, recap: result.recap };
}
