import type { HostStats } from "../runner/stats.js";
import type { Html, Markup } from "./html-markup.js";
import type { HtmlRun } from "./html-run.js";

/** What one run did on one host. */
interface HostDrift {
  changed: number;
  failed: number;
  unreachable: number;
  /** The tasks it changed. */
  tasks: readonly string[];
}

/** A run as a column of the drift table. */
interface Column {
  started: string;
  check: boolean;
  /** This run (read from its events) rather than a kept report. */
  current: boolean;
  hosts: ReadonlyMap<string, HostDrift>;
}

/** Columns beyond this many are the oldest and are left out: a page stays readable. */
const MAX_COLUMNS = 60;

function columnOf(started: string, check: boolean, current: boolean, recap: Iterable<[string, Pick<HostStats, "changed" | "failed" | "unreachable">]>, drifted: readonly { host: string; task: string }[]): Column {
  const hosts = new Map<string, HostDrift>();
  for (const [host, s] of recap) {
    hosts.set(host, { changed: s.changed, failed: s.failed, unreachable: s.unreachable, tasks: drifted.filter((d) => d.host === host).map((d) => d.task) });
  }
  return { started, check, current, hosts };
}

/**
 * Drift per host over time: a column per run that --keep-reports kept, and this run last; a
 * cell tells what the run changed on the host (with --check: would have changed). A converged
 * site's scheduled runs change nothing, so a number here is a change made outside do-converge.
 */
export function driftSection(html: Html, run: HtmlRun): Markup {
  const history = run.history;
  if (history === undefined) {
    return html`<section id="drift"><h2>Drift over time</h2><p class="none">No history: with --json FILE --keep-reports N, the last N reports are kept in history/ beside FILE and shown here.</p></section>`;
  }
  const drifted = run.tasks.filter((t) => t.status === "changed").map((t) => ({ host: t.host, task: t.task }));
  const columns = [
    ...history.runs.map((r) => columnOf(r.report.started, r.report.check, false, Object.entries(r.report.recap), r.report.drift.tasks)),
    columnOf(run.started.toISOString(), run.check, true, run.recap, drifted),
  ].slice(-MAX_COLUMNS);
  const hosts = [...new Set(columns.flatMap((c) => [...c.hosts.keys()]))].sort();
  const head = columns.map(
    (c) => html`<th title="${`${c.started}${c.check ? " (--check)" : ""}`}">${c.current ? "this run" : c.started.slice(5, 16).replace("T", " ")}${c.check ? html`<br><span class="check">check</span>` : undefined}</th>`,
  );
  const rows = hosts.map((host) => {
    const runs = columns.filter((c) => c.hosts.has(host));
    const drift = runs.filter((c) => (c.hosts.get(host)?.changed ?? 0) > 0).length;
    const cells = columns.map((c) => {
      const s = c.hosts.get(host);
      if (s === undefined) return html`<td class="absent" title="not in this run"></td>`;
      const lost = s.failed + s.unreachable;
      const title = `${c.started}: ${s.changed} ${c.check ? "would change" : "changed"}${s.tasks.length > 0 ? ` (${s.tasks.join(", ")})` : ""}${lost > 0 ? `; ${s.failed} failed, ${s.unreachable} unreachable` : ""}`;
      const kind = lost > 0 ? "lost" : s.changed > 0 ? "drift" : "same";
      return html`<td class="${kind}" title="${title}">${s.changed > 0 ? s.changed : lost > 0 ? "!" : "·"}</td>`;
    });
    return html`<tr><th class="host">${host}</th>${cells}<td class="count">${drift} of ${runs.length}</td></tr>`;
  });
  const unreadable =
    history.unreadable.length > 0 ? html`<p class="note">Not do-converge reports, left out: ${history.unreadable.join(", ")}</p>` : undefined;
  return html`<section id="drift"><h2>Drift over time</h2><p class="note">Tasks changed per host and run (with --check: would change); ! a failure.</p><div class="scroll"><table class="drift"><thead><tr><th>host</th>${head}<th>drifted</th></tr></thead><tbody>${rows}</tbody></table></div>${unreadable}</section>`;
}
