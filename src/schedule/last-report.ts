import { readFileSync } from "node:fs";
import { reportFileSchema as reportSchema } from "../report/report-file.js";

const SHOWN_TASKS = 5;

/** What the latest scheduled run reported, in a few lines; or why there is nothing to show. */
export function lastReportSummary(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [`last report: none yet (${file})`];
  }
  let parsed: ReturnType<typeof reportSchema.safeParse>;
  try {
    parsed = reportSchema.safeParse(JSON.parse(text));
  } catch (err) {
    return [`last report: ${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`];
  }
  if (!parsed.success) return [`last report: ${file} is not a do-converge report (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`];
  const r = parsed.data;
  const stats = Object.values(r.recap);
  const sum = (k: "ok" | "changed" | "failed" | "unreachable") => stats.reduce((n, s) => n + s[k], 0);
  // The report's exit code is the process's (3 for drift under --detect-drift, as scheduled runs use).
  const exit = r.exit_code;
  const lines = [
    `last report: ${r.started} (${(r.duration_ms / 1000).toFixed(1)}s), ${r.check ? "check" : "converge"}, exit ${exit}`,
    `  hosts=${stats.length} ok=${sum("ok")} changed=${sum("changed")} failed=${sum("failed")} unreachable=${sum("unreachable")}`,
    `  drift: ${r.drift.detected ? `yes, ${r.drift.tasks.length} task(s) ${r.check ? "would change" : "changed"}` : "no"}`,
    ...r.drift.tasks.slice(0, SHOWN_TASKS).map((t) => `    ${t.host}: ${t.task}`),
    ...(r.drift.tasks.length > SHOWN_TASKS ? [`    ... and ${r.drift.tasks.length - SHOWN_TASKS} more (${file})`] : []),
  ];
  return lines;
}
