import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { historyDir, keepReport, readHistory } from "../../../src/report/history.js";
import { HtmlReporter } from "../../../src/report/html.js";
import { escapeHtml } from "../../../src/report/html-markup.js";
import { JsonReporter } from "../../../src/report/json.js";
import { maskEvent } from "../../../src/report/masked-event.js";
import type { RunEvent } from "../../../src/runner/events.js";
import { type HostStats, emptyStats } from "../../../src/runner/stats.js";
import { SecretMasker } from "../../../src/secrets/masker.js";
import { REDACTED } from "../../../src/secrets/redact.js";
import { taskEnd } from "./events.js";

const dir = mkdtempSync(join(tmpdir(), "dcv-html-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stats = (o: Partial<HostStats>): HostStats => ({ ...emptyStats(), ...o });
const extra = { site: "site.ts", check: false, exitCode: 2 };

/** The page of these events, fed as run-command feeds them: each masked by maskEvent first. */
function page(events: RunEvent[], recap: Map<string, HostStats>, o: { masker?: SecretMasker; diff?: boolean; history?: ReturnType<typeof readHistory> } = {}): string {
  const masker = o.masker ?? new SecretMasker();
  let clock = 1_000;
  const r = new HtmlReporter({ mask: (t) => masker.mask(t), diff: o.diff ?? true, now: () => clock });
  for (const e of events) r.handle(maskEvent(e, masker));
  clock = 5_000;
  return r.render(recap, { ...extra, ...(o.history ? { history: o.history } : {}) });
}

describe("the HTML report: escaping", () => {
  it("a <script> in a task name, a message, a host or a diff stays text; quotes cannot leave an attribute", () => {
    const html = page(
      [
        taskEnd({ host: "<img src=x onerror=alert(1)>", task: "<script>alert(1)</script>", status: "failed", msg: "E: <script>alert(2)</script> & \x1b[31mred" }),
        taskEnd({ host: "b", task: 'a" onmouseover="alert(3)', status: "changed", diffs: [{ label: "</pre><script>", before: "a\n", after: "<script>alert(4)</script>\n" }] }),
        { type: "warning", msg: "<script>alert(5)</script>" },
      ],
      new Map([["b", stats({ changed: 1 })]]),
    );
    expect(html).not.toMatch(/<script|<img|onmouseover="/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("E: &lt;script&gt;alert(2)&lt;/script&gt; &amp; \\x1b[31mred");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain('title="web: a&quot; onmouseover=&quot;alert(3)"');
    expect(html).toContain('<span class="add">+&lt;script&gt;alert(4)&lt;/script&gt;</span>');
    expect(html).toContain("<pre>&lt;script&gt;alert(5)&lt;/script&gt;</pre>");
  });

  it("escapeHtml covers the five characters markup is made of and C0 controls", () => {
    expect(escapeHtml(`<a href='x' title="y">&</a>\x00`)).toBe("&lt;a href=&apos;x&apos; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;\\x00");
  });

  it("fetches nothing: no URL, no script, no external stylesheet, and a policy that forbids them", () => {
    const html = page([taskEnd({ host: "a", task: "t" })], new Map([["a", stats({ ok: 1 })]]));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &apos;none&apos;; style-src &apos;unsafe-inline&apos;">`);
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<script|<link|<img|src=|url\(|@import/i);
  });
});

describe("the HTML report: secrets", () => {
  const secret = "s3cret-Value-42";

  it("masks a secret in names, messages, results, warnings and diffs (diffed raw, so the changed line stays)", () => {
    const masker = new SecretMasker();
    masker.add(secret);
    const html = page(
      [
        taskEnd({ host: "a", task: `set password ${secret}`, status: "changed", summary: `content ${secret}`, result: { stdout: secret },
          diffs: [{ label: "/etc/app.conf", before: "user=app\npassword=old-value\n", after: `user=app\npassword=${secret}\n` }] }),
        taskEnd({ host: "a", task: "log in", status: "failed", msg: `cannot log in with ${secret}` }),
        { type: "warning", msg: `a warning quoting ${secret}` },
      ],
      new Map([["a", stats({ ok: 1, changed: 1, failed: 1 })]]),
      { masker },
    );
    expect(html).not.toContain(secret);
    expect(html).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(html).toContain(`<span class="del">-password=old-value</span>`);
    expect(html).toContain(`<span class="add">+password=${REDACTED}</span>`);
    expect(html).toContain(`cannot log in with ${REDACTED}`);
    expect(html).toContain(`set password ${REDACTED}`);
  });

  it("masks text by text: a secret that is also a word of the markup leaves the markup whole", () => {
    const masker = new SecretMasker();
    masker.add("span");
    const html = page([taskEnd({ host: "a", task: "span the bridge", status: "changed", durationMs: 5 })], new Map([["a", stats({ ok: 1, changed: 1 })]]), { masker });
    expect(html).toContain(`${REDACTED} the bridge`);
    expect(html).not.toMatch(/span the bridge/);
    expect(html).toContain('<span class="bar st-changed" style="left:');
  });

  it("a noLog task shows neither its message, nor its summary, nor its diff", () => {
    const html = page(
      [taskEnd({ host: "a", task: "user", status: "failed", noLog: true, msg: "(details hidden: noLog)", summary: "password", diffs: [{ label: "x", before: "a\n", after: "hidden-content\n" }] })],
      new Map([["a", stats({ failed: 1 })]]),
    );
    expect(html).toContain('<pre class="msg">(details hidden: noLog)</pre>');
    expect(html).not.toContain("hidden-content");
  });

  it("shows diffs with --diff only, as the terminal does (without, a module's placeholder diff is no diff)", () => {
    const events = [taskEnd({ host: "a", task: "copy", status: "changed", diffs: [{ label: "/etc/x", before: "(binary or large file)\n", after: "new-content\n" }] })];
    const recap = new Map([["a", stats({ ok: 1, changed: 1 })]]);
    expect(page(events, recap, { diff: true })).toContain("+new-content");
    const without = page(events, recap, { diff: false });
    expect(without).not.toContain("new-content");
    expect(without).toContain("Run with --diff for the differences in changed files.");
  });
});

describe("the HTML report: recap, failures, timeline", () => {
  it("the recap per host; failures with their messages, a retried host and an aborted one", () => {
    const html = page(
      [
        { type: "play-start", play: "web", hosts: ["a", "b", "c"], check: false },
        taskEnd({ host: "a", task: "apt", status: "failed", msg: "E: Unable to locate package nginz" }),
        taskEnd({ host: "b", task: "connect", module: "connection", status: "unreachable", msg: "connection refused" }),
        { type: "host-retry", host: "b", attempt: 1, of: 1, from: "web" },
        { type: "host-failed", play: "web", host: "a", msg: "apt failed" },
        { type: "host-failed", play: "web", host: "c", msg: "play aborted: a failed (anyErrorsFatal)" },
      ],
      new Map([["a", stats({ failed: 1 })], ["b", stats({ unreachable: 1 })], ["c", stats({ ok: 2 })]]),
    );
    expect(html).toContain('<tr class="failed"><th>a</th><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>');
    expect(html).toContain('<tr class="ok"><th>c</th><td>2</td>');
    expect(html).toContain("<h2>Failures (3)</h2>");
    expect(html).toContain('<pre class="msg">E: Unable to locate package nginz</pre>');
    expect(html).toContain("Tried again later in the run (--retry-unreachable).");
    expect(html).toContain('<pre class="msg">play aborted: a failed (anyErrorsFatal)</pre>');
    expect(html).not.toContain('<pre class="msg">apt failed</pre>');
  });

  it("a bar per task, placed where it started and as long as it took, on one axis for every host", () => {
    // The run starts at 1000 (the reporter's clock); the last task ends at 5000: a 4 s axis.
    const html = page(
      [
        taskEnd({ host: "a", task: "facts", startedAt: 1_000, durationMs: 1_000 }),
        taskEnd({ host: "a", task: "apt install", status: "changed", startedAt: 2_000, durationMs: 3_000 }),
        taskEnd({ host: "b", task: "facts", startedAt: 1_400, durationMs: 400 }),
      ],
      new Map([["a", stats({ ok: 2, changed: 1 })], ["b", stats({ ok: 1 })]]),
    );
    const bars = [...html.matchAll(/<span class="bar st-(\w+)" style="left:([\d.]+)%;width:([\d.]+)%" title="([^"]*)">/g)].map((m) => m.slice(1).join(" "));
    expect(bars).toEqual([
      "ok 0.000 25.000 facts: ok, 1.0 s",
      "changed 25.000 75.000 apt install: changed, 3.0 s",
      "ok 10.000 10.000 facts: ok, 400 ms",
    ]);
    expect(html).toMatch(/<span class="host">a<\/span> 2 tasks, 4\.0 s<\/summary><div class="slowest">slowest: <ol><li>apt install <span class="time">3\.0 s<\/span><\/li><li>facts /);
  });
});

describe("the HTML report: drift over time", () => {
  /** A JSON report as a run writes it (json.ts), then kept under history/ at `at`. */
  function keptRun(report: string, at: string, recap: Record<string, HostStats>, changed: { host: string; task: string }[], check = false): string {
    const json = new JsonReporter();
    for (const c of changed) json.handle(taskEnd({ host: c.host, task: c.task, status: "changed" }));
    json.write(report, new Map(Object.entries(recap)), { check, exitCode: 0 });
    return keepReport(report, 10, new Date(at));
  }

  it("reads history/ oldest first, leaves out this run's own copy and names what is not a report", () => {
    const report = join(dir, "history-read/last.json");
    keptRun(report, "2026-12-01T10:00:00.000Z", { a: stats({ ok: 3 }) }, []);
    keptRun(report, "2026-12-02T10:00:00.000Z", { a: stats({ ok: 3, changed: 1 }) }, [{ host: "a", task: "sshd_config" }]);
    const own = keptRun(report, "2026-12-03T10:00:00.000Z", { a: stats({ ok: 3 }) }, []);
    writeFileSync(join(historyDir(report), "2026-12-01T11-00-00-000Z.json"), "{ not json");
    writeFileSync(join(historyDir(report), "notes.txt"), "ignored: not a kept report's name");
    const h = readHistory(historyDir(report), own);
    expect(h.runs.map((r) => r.file)).toEqual(["2026-12-01T10-00-00-000Z.json", "2026-12-02T10-00-00-000Z.json"]);
    expect(h.runs[1]?.report.drift.tasks).toEqual([{ host: "a", task: "sshd_config" }]);
    expect(h.unreadable).toEqual(["2026-12-01T11-00-00-000Z.json"]);
    expect(readHistory(join(dir, "no-such-dir"))).toEqual({ runs: [], unreadable: [] });
  });

  it("a row per host, a column per kept run and this run: what each changed, failures, hosts absent from a run", () => {
    const report = join(dir, "drift/last.json");
    keptRun(report, "2026-12-01T10:00:00.000Z", { a: stats({ ok: 3 }), b: stats({ ok: 3 }) }, []);
    keptRun(report, "2026-12-02T10:00:00.000Z", { a: stats({ ok: 3, changed: 2 }), b: stats({ ok: 1, failed: 1 }) }, [
      { host: "a", task: "sshd_config" },
      { host: "a", task: "<script>motd</script>" },
    ]);
    keptRun(report, "2026-12-03T10:00:00.000Z", { a: stats({ ok: 3 }) }, [], true);
    const history = readHistory(historyDir(report));
    const html = page([taskEnd({ host: "a", task: "nginx.conf", status: "changed" })], new Map([["a", stats({ ok: 3, changed: 1 })], ["b", stats({ ok: 3 })]]), { history });
    const section = html.slice(html.indexOf('<section id="drift">'));
    const row = (host: string) => (new RegExp(`<tr><th class="host">${host}</th>(.*?)</tr>`).exec(section)?.[1] ?? "").replace(/ title="[^"]*"/g, "");
    expect(row("a")).toBe('<td class="same">·</td><td class="drift">2</td><td class="same">·</td><td class="drift">1</td><td class="count">2 of 4</td>');
    expect(row("b")).toBe('<td class="same">·</td><td class="lost">!</td><td class="absent"></td><td class="same">·</td><td class="count">0 of 3</td>');
    expect(section).toContain('<br><span class="check">check</span>');
    expect(section).toMatch(/<th title="[^"]*">this run<\/th><th>drifted<\/th><\/tr><\/thead>/);
    expect(section).toContain("2 changed (sshd_config, &lt;script&gt;motd&lt;/script&gt;)");
    expect(section).not.toContain("<script>");
  });

  it("without a history, says how to keep one", () => {
    const html = page([taskEnd({ host: "a", task: "t" })], new Map([["a", stats({ ok: 1 })]]));
    expect(html).toContain("No history: with --json FILE --keep-reports N, the last N reports are kept in history/ beside FILE and shown here.");
  });
});
