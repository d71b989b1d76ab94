import type { Html } from "./html-markup.js";
import { Markup } from "./html-markup.js";
import type { HtmlTask } from "./html-run.js";

/** A task's time as a person reads it: 850 ms, 4.2 s, 3 min 07 s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** How many of a host's slowest tasks its heading names. */
const NAMED_SLOWEST = 3;

const percent = (n: number): string => `${Math.min(100, Math.max(0, n)).toFixed(3)}%`;

export const taskLabel = (t: HtmlTask): string => `${t.handler ? "handler: " : ""}${t.task}${t.delegatedTo ? ` (-> ${t.delegatedTo})` : ""}`;

/**
 * A timeline per host: a row per task, its bar placed where the task started and as long as it
 * took, on one time axis for the whole run, so a slow task is a long bar and hosts compare at a
 * glance. Hosts run in parallel, a host's tasks one after another.
 */
export function timelineSection(html: Html, hosts: readonly string[], tasks: readonly HtmlTask[]): Markup {
  // A loop, not Math.max(...): a large site's run has more tasks than a call takes arguments.
  const span = tasks.reduce((n, t) => Math.max(n, t.at + t.durationMs), 1);
  const sections = hosts.map((host) => {
    const own = tasks.filter((t) => t.host === host).sort((a, b) => a.at - b.at);
    const total = own.reduce((n, t) => n + t.durationMs, 0);
    const slowest = [...own]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, NAMED_SLOWEST)
      .filter((t) => t.durationMs > 0);
    const rows = own.map((t) => {
      // Computed numbers, not text: placed as markup so that masking never touches the style.
      const style = new Markup(`left:${percent((t.at / span) * 100)};width:${percent((t.durationMs / span) * 100)}`);
      const label = taskLabel(t);
      return html`<div class="row"><span class="label" title="${`${t.play}: ${label}`}">${label}</span><span class="track"><span class="bar st-${t.status}" style="${style}" title="${`${label}: ${t.status}, ${formatMs(t.durationMs)}`}"></span></span><span class="time">${formatMs(t.durationMs)}</span></div>`;
    });
    const named = slowest.map((t) => html`<li>${taskLabel(t)} <span class="time">${formatMs(t.durationMs)}</span></li>`);
    return html`<details class="host-timeline" open><summary><span class="host">${host}</span> ${own.length} ${own.length === 1 ? "task" : "tasks"}, ${formatMs(total)}</summary>${
      named.length > 0 ? html`<div class="slowest">slowest: <ol>${named}</ol></div>` : undefined
    }<div class="axis"><span></span><span class="scale"><span>0</span><span>${formatMs(span)}</span></span><span></span></div>${rows}</details>`;
  });
  return html`<section id="timeline"><h2>Timeline</h2>${sections.length > 0 ? sections : html`<p class="none">No task ran.</p>`}</section>`;
}
