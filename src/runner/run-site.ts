import type { Decrypt } from "../inventory/vault-values.js";
import type { Inventory } from "../inventory/model.js";
import type { SecretMasker } from "../secrets/masker.js";
import { type Site, moduleOwners } from "../site/dsl.js";
import { siteModules } from "../site/site-modules.js";
import { ConnectionPool } from "./connections.js";
import type { Emit } from "./events.js";
import type { RunOptions, TemplateRenderer } from "./options.js";
import { handlerCatalogue } from "./handler-record.js";
import { type HostRecord, type RunState, playHandlers, runPlay } from "./play.js";
import { prepareRun } from "./prepare.js";
import { UnreachableRetries } from "./retry.js";
import { type HostStats, emptyStats } from "./stats.js";
import { siteCode } from "./code-provided-vars.js";
import { checkTemplateVars } from "./template-vars-check.js";
import { readPlayVarsFiles } from "./play-vars-files.js";
import { FastPath, type FastPathCounts } from "../fast-path/host-play.js";
import { readRecording, recordingFile, writeRecording } from "../fast-path/recording.js";

/** What the run's probes read, for the next run's snapshots; a cache that cannot be written is only a slower next run. */
function saveRecording(file: string, fastPath: FastPath, emit: Emit): void {
  try {
    writeRecording(file, fastPath.last, fastPath.learnt);
  } catch (err) {
    emit({ type: "warning", msg: `the fast path's record of probes was not saved (the next run reads every probe live): ${err instanceof Error ? err.message : String(err)}` });
  }
}

export interface RunResult {
  /** Per host, in first-seen order: the PLAY RECAP counters. */
  recap: Map<string, HostStats>;
  /** 0 success, 2 a task failed, 4 a host was unreachable (failures take precedence); after retries, each host's last state. */
  exitCode: 0 | 2 | 4;
  /** How the probes read the hosts; undefined with --no-fast-path. */
  fastPath?: FastPathCounts;
}

/**
 * Converges a site: prepares every play without touching a host (exit 1 via ConfigError on bad
 * input, undefined template variables included), then runs the plays in order over one
 * connection per host, closed at the end.
 */
export async function runSite(site: Site, inventory: Inventory, options: RunOptions, io: { siteDir: string; emit: Emit; templates: TemplateRenderer; secrets?: SecretMasker; decrypt?: Decrypt; probesFile?: string }): Promise<RunResult> {
  // site() checked them already; again here for a site another copy of do-converge made.
  const modules = siteModules(moduleOwners(site.plays));
  // The masker learns the site's secret values here; masking itself is the sinks' job (the CLI's emit).
  // Names the site's code sets (setFact keys): a variable whose value uses one is evaluated at run time.
  const code = await siteCode(site, io.siteDir);
  const varsFiles = await readPlayVarsFiles(site, io.siteDir, io.decrypt);
  const prepared = prepareRun(site, inventory, options, io.secrets, { codeNames: code.names, varsFiles });
  for (const msg of prepared.warnings) io.emit({ type: "warning", msg });
  const vars = await checkTemplateVars(site, io.siteDir, prepared.plays);
  if (vars.skipped !== undefined) io.emit({ type: "warning", msg: `template variables were not checked: ${vars.skipped}` });
  const hosts = new Map<string, HostRecord>();
  for (const p of prepared.plays) {
    for (const h of p.hosts) if (!hosts.has(h)) hosts.set(h, { name: h, stats: emptyStats(), setFacts: {}, moduleFacts: {}, includedVars: {} });
  }
  const pool = new ConnectionPool(options.ssh, options.becomePassword, io.emit);
  const mask = (text: string): string => io.secrets?.mask(text) ?? text;
  const probes = options.noFastPath ? undefined : (io.probesFile ?? recordingFile(io.siteDir, site.name));
  const fastPath = probes === undefined ? undefined : new FastPath(readRecording(probes), mask);
  const tries = options.retryUnreachable ?? 0;
  let retries: UnreachableRetries | undefined;
  const state: RunState = {
    options,
    siteDir: io.siteDir,
    pool,
    emit: io.emit,
    templates: io.templates,
    hosts,
    allSpecs: prepared.allSpecs,
    allVars: prepared.allVars,
    allScopes: prepared.allScopes,
    extraVars: prepared.extraVars,
    ...(io.decrypt === undefined ? {} : { decrypt: io.decrypt }),
    mask,
    ...(fastPath ? { fastPath } : {}),
    siteName: site.name,
    modules,
    catalogue: handlerCatalogue(prepared.plays.map((p) => ({ key: p.key, handlers: playHandlers(p.play) }))),
    ...(tries > 0 ? { retryBeforeAbort: (upTo: number) => retries?.run(upTo) ?? Promise.resolve(false) } : {}),
  };
  if (tries > 0) retries = new UnreachableRetries(state, prepared.plays, tries);
  try {
    let completed = true;
    for (const p of prepared.plays) {
      if (!(await runPlay(state, p))) {
        completed = false;
        break;
      }
    }
    // At the end of the run, so a host that went away has had the other hosts' whole run to come back.
    if (retries && completed) await retries.run(prepared.plays.length - 1);
    const left = retries?.left() ?? [];
    if (left.length > 0) io.emit({ type: "warning", msg: `not retried, the run having stopped: ${left.join(", ")}` });
  } finally {
    await pool.closeAll();
    if (probes !== undefined && fastPath !== undefined) saveRecording(probes, fastPath, io.emit);
  }
  const recap = new Map([...hosts].map(([name, rec]) => [name, rec.stats]));
  const stats = [...recap.values()];
  const exitCode = stats.some((s) => s.failed > 0) ? 2 : stats.some((s) => s.unreachable > 0) ? 4 : 0;
  return { recap, exitCode, ...(fastPath ? { fastPath: fastPath.counts } : {}) };
}
