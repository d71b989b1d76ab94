import type { HostStats } from "../runner/stats.js";
import { driftSection } from "./html-drift.js";
import { type Html, Markup, escapeHtml, htmlTemplate } from "./html-markup.js";
import type { HtmlRun, HtmlTask } from "./html-run.js";
import { formatMs, taskLabel, timelineSection } from "./html-timeline.js";

// No script, no font, no image, no URL: the page is a file to open anywhere, mailed or archived
// with a run, and must not call out when it is. The policy holds the page to that even if a
// later change slipped a reference in.
const POLICY = new Markup(escapeHtml("default-src 'none'; style-src 'unsafe-inline'"));

const CSS = new Markup(`
:root { --ok: #2e7d32; --changed: #b26a00; --failed: #c62828; --skipped: #00838f; --rescued: #6a1b9a; --fg: #1d1d1f; --muted: #666; --line: #ddd; --bg: #fff; --track: #f1f1f1; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --muted: #9a9a9a; --line: #3a3a3a; --bg: #161616; --track: #262626; } }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1em 2em 3em; max-width: 1400px; }
h1 { font-size: 1.4em; margin: 0.2em 0; } h2 { font-size: 1.15em; margin: 1.6em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
h3 { font-size: 1em; margin: 0 0 0.3em; font-weight: 600; }
nav a { margin-right: 1em; color: inherit; } .meta { color: var(--muted); } .none, .note { color: var(--muted); }
pre { font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.3em 0; padding: 0.5em; background: var(--track); border-radius: 4px; }
table { border-collapse: collapse; } th, td { padding: 0.2em 0.6em; text-align: right; border-bottom: 1px solid var(--line); } th:first-child, td:first-child { text-align: left; }
.recap tr.failed th { color: var(--failed); } .recap tr.changed th { color: var(--changed); } .recap tr.ok th { color: var(--ok); }
.status { font-weight: 600; } .st-ok { color: var(--ok); } .st-changed { color: var(--changed); } .st-failed, .st-unreachable { color: var(--failed); } .st-skipped { color: var(--skipped); } .st-rescued, .st-ignored, .st-aborted { color: var(--rescued); }
.item { border-left: 3px solid var(--line); padding: 0.3em 0 0.3em 0.8em; margin: 0.6em 0; } .item.k-failed, .item.k-unreachable { border-color: var(--failed); } .item.k-changed { border-color: var(--changed); } .item.k-ignored, .item.k-rescued, .item.k-aborted { border-color: var(--rescued); } .item .play { color: var(--muted); font-weight: normal; }
.diff .add { color: var(--ok); } .diff .del { color: var(--failed); } .diff .hunk { color: var(--skipped); } .diff .head { color: var(--muted); }
.host-timeline { margin: 0.8em 0; } .host-timeline summary { cursor: pointer; } .host { font-weight: 600; }
.slowest { color: var(--muted); } .slowest ol { display: inline; padding: 0; margin: 0; } .slowest li { display: inline; margin-right: 1.2em; }
.row, .axis { display: grid; grid-template-columns: minmax(10em, 26em) 1fr 6em; gap: 0.6em; align-items: center; }
.row .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } .time { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.track { position: relative; height: 0.9em; background: var(--track); border-radius: 2px; }
.bar { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: 2px; background: currentColor; }
.axis .scale { display: flex; justify-content: space-between; color: var(--muted); font-size: 0.85em; }
.scroll { overflow-x: auto; } table.drift td { text-align: center; min-width: 2.2em; } table.drift th { font-weight: normal; font-size: 0.85em; text-align: center; }
table.drift th.host { font-weight: 600; font-size: 1em; text-align: left; } table.drift td.count { text-align: right; color: var(--muted); white-space: nowrap; }
table.drift td.drift { background: #ffe0b2; color: #7a4100; font-weight: 600; } table.drift td.lost { background: #ffcdd2; color: #8e0000; } table.drift td.same { color: var(--muted); } table.drift td.absent { background: transparent; }
.check { color: var(--skipped); font-size: 0.85em; }
`);

const STATS: readonly (keyof HostStats)[] = ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"];

function recapSection(html: Html, recap: ReadonlyMap<string, HostStats>): Markup {
  const rows = [...recap].map(([host, s]) => {
    const kind = s.failed > 0 || s.unreachable > 0 ? "failed" : s.changed > 0 ? "changed" : "ok";
    return html`<tr class="${kind}"><th>${host}</th>${STATS.map((k) => html`<td>${s[k]}</td>`)}</tr>`;
  });
  return html`<section id="recap"><h2>Recap</h2>${
    rows.length > 0
      ? html`<table class="recap"><thead><tr><th>host</th>${STATS.map((k) => html`<th>${k}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="none">No host was in the run.</p>`
  }</section>`;
}

/** A unified diff with its lines told apart: added, removed, hunk headers, file headers. */
function diffBlock(html: Html, diff: string): Markup {
  const lines = diff.replace(/\n$/, "").split("\n");
  const kind = (l: string) => (l.startsWith("+++") || l.startsWith("---") ? "head" : l.startsWith("@@") ? "hunk" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : "ctx");
  return html`<pre class="diff">${lines.map((l, i) => html`<span class="${kind(l)}">${l}</span>${i < lines.length - 1 ? "\n" : undefined}`)}</pre>`;
}

const where = (html: Html, t: { host: string; play: string }) => html`${t.host} <span class="play">(play ${t.play})</span>`;

function failuresSection(html: Html, run: HtmlRun): Markup {
  // Failures the run went past (ignored, rescued) are listed too: their message is what happened.
  const failed = run.tasks.filter((t) => t.status === "failed" || t.status === "unreachable" || ((t.status === "ignored" || t.status === "rescued") && t.msg !== undefined));
  const items = [
    ...failed.map(
      (t) =>
        html`<div class="item failure k-${t.status}"><h3><span class="status st-${t.status}">${t.status}</span> ${where(html, t)}: ${taskLabel(t)}</h3>${
          t.retried ? html`<p class="note">Tried again later in the run (--retry-unreachable).</p>` : undefined
        }<pre class="msg">${t.msg ?? t.status}</pre></div>`,
    ),
    ...run.aborted.map(
      (a) => html`<div class="item failure k-aborted"><h3><span class="status st-aborted">aborted</span> ${where(html, a)}</h3><pre class="msg">${a.msg}</pre></div>`,
    ),
  ];
  return html`<section id="failures"><h2>Failures (${items.length})</h2>${items.length > 0 ? items : html`<p class="none">None.</p>`}</section>`;
}

function changesSection(html: Html, run: HtmlRun): Markup {
  const changed = run.tasks.filter((t: HtmlTask) => t.status === "changed");
  const items = changed.map(
    (t) =>
      html`<div class="item change k-changed"><h3>${where(html, t)}: ${taskLabel(t)}</h3>${t.summary !== undefined ? html`<p>${t.summary}</p>` : undefined}${
        t.diff !== undefined ? diffBlock(html, t.diff) : undefined
      }</div>`,
  );
  const note = run.diff ? undefined : html`<p class="note">Run with --diff for the differences in changed files.</p>`;
  return html`<section id="changes"><h2>${run.check ? "Would change" : "Changes"} (${items.length})</h2>${note}${items.length > 0 ? items : html`<p class="none">None.</p>`}</section>`;
}

/** The page of a run: every text in it masked with `mask` and escaped. */
export function renderHtmlPage(run: HtmlRun, mask: (text: string) => string): string {
  const html = htmlTemplate(mask);
  const hosts = [...new Set([...run.recap.keys(), ...run.tasks.map((t) => t.host)])];
  const failed = [...run.recap.values()].some((s) => s.failed > 0 || s.unreachable > 0);
  const title = `do-converge ${run.site}: ${run.check ? "check" : "converge"} ${run.started.toISOString()}`;
  const warnings =
    run.warnings.length > 0 ? html`<section id="warnings"><h2>Warnings (${run.warnings.length})</h2>${run.warnings.map((w) => html`<pre>${w}</pre>`)}</section>` : undefined;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>do-converge run report: ${run.site}</h1>
<p class="meta">${run.check ? "check (--check): nothing was changed" : "converge"}; started ${run.started.toISOString()}, took ${formatMs(run.durationMs)}; exit code ${run.exitCode}${
    failed ? html` <span class="status st-failed">(failures)</span>` : undefined
  }; plays: ${run.plays.join(", ") || "none"}</p>
<nav><a href="#recap">Recap</a><a href="#failures">Failures</a><a href="#changes">Changes</a><a href="#timeline">Timeline</a><a href="#drift">Drift over time</a></nav>
</header>
<main>
${recapSection(html, run.recap)}
${failuresSection(html, run)}
${changesSection(html, run)}
${timelineSection(html, hosts, run.tasks)}
${driftSection(html, run)}
${warnings}
</main>
</body>
</html>
`;
  return page.value;
}
