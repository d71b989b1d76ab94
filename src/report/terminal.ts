import type { RunEvent, TaskEnd, TaskStatus } from "../runner/events.js";
import type { HostStats } from "../runner/stats.js";
import type { ProfileEntry } from "./profile.js";
import type { FastPathCounts } from "../fast-path/host-play.js";
import { unifiedDiff } from "./unified-diff.js";

const COLORS: Record<TaskStatus | "warning" | "header", string> = {
  ok: "32",
  changed: "33",
  failed: "31",
  unreachable: "31",
  skipped: "36",
  rescued: "35",
  ignored: "35",
  warning: "35",
  header: "1",
};

export interface TerminalOptions {
  write: (s: string) => void;
  color: boolean;
  verbosity: number;
  /** Print before/after of changes (--diff). */
  diff: boolean;
}

/** Ansible-style output: PLAY headers, one line per task and host, diffs, then the recap. */
export class TerminalReporter {
  constructor(private readonly o: TerminalOptions) {}

  private paint(kind: keyof typeof COLORS, s: string): string {
    return this.o.color ? `\x1b[${COLORS[kind]}m${s}\x1b[0m` : s;
  }

  private banner(title: string): string {
    return `${title} ${"*".repeat(Math.max(3, 78 - title.length))}`;
  }

  handle = (e: RunEvent): void => {
    const w = this.o.write;
    switch (e.type) {
      case "play-start":
        w(`\n${this.paint("header", this.banner(`PLAY [${e.play}]${e.check ? " (check mode)" : ""}`))}\n`);
        break;
      case "batch-start":
        w(`${this.paint("header", `-- batch ${e.index}/${e.of}: ${e.hosts.join(", ")}`)}\n`);
        break;
      case "task-end":
        this.task(e);
        break;
      case "debug":
        w(`${this.paint("ok", `ok: [${e.host}] debug`)} => ${e.msg}\n`);
        break;
      case "warning":
        w(`${this.paint("warning", `[WARNING]: ${e.msg}`)}\n`);
        break;
      case "host-retry":
        w(`\n${this.paint("header", this.banner(`RETRY [${e.host}] ${e.attempt}/${e.of}: unreachable in play ${e.from}; its plays from there run again`))}\n`);
        break;
      case "command":
        if (this.o.verbosity >= 3) {
          w(`<${e.host}>${e.user ? ` (become ${e.user})` : ""} ${e.command.split("\n").join("\n    ")}\n`);
          if (e.stdin !== undefined) w(`    (stdin: ${e.stdin}, not shown)\n`);
        }
        break;
      case "host-unreachable":
      case "host-failed":
      case "host-end":
      case "play-end":
        break;
    }
  };

  private task(e: TaskEnd): void {
    const target = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
    const label = e.status === "failed" ? "fatal" : e.status;
    let line = `${label}: [${target}] ${e.handler ? "handler: " : ""}${e.task}`;
    if (e.summary && e.status === "changed") line += ` (${e.summary})`;
    if (e.msg) line += ` => ${e.msg}`;
    this.o.write(`${this.paint(e.status, line)}\n`);
    if (this.o.diff && e.diffs && !e.noLog) {
      for (const d of e.diffs) {
        const text = unifiedDiff(d.before, d.after, { from: `before: ${d.label}`, to: `after: ${d.label}` });
        if (text) this.o.write(this.colorDiff(text));
      }
    }
    if (this.o.verbosity >= 1 && e.result !== undefined && !e.noLog) {
      this.o.write(`${JSON.stringify(e.result, null, 2).replace(/^/gm, "    ")}\n`);
    }
  }

  private colorDiff(text: string): string {
    if (!this.o.color) return text;
    return text
      .split("\n")
      .map((l) => (l.startsWith("+") && !l.startsWith("+++") ? `\x1b[32m${l}\x1b[0m` : l.startsWith("-") && !l.startsWith("---") ? `\x1b[31m${l}\x1b[0m` : l.startsWith("@@") ? `\x1b[36m${l}\x1b[0m` : l))
      .join("\n");
  }

  recap(recap: ReadonlyMap<string, HostStats>): void {
    const w = this.o.write;
    w(`\n${this.paint("header", this.banner("PLAY RECAP"))}\n`);
    const width = Math.max(0, ...[...recap.keys()].map((h) => h.length));
    for (const [host, s] of recap) {
      const kind = s.failed > 0 || s.unreachable > 0 ? "failed" : s.changed > 0 ? "changed" : "ok";
      w(
        `${this.paint(kind, host.padEnd(width))} : ok=${String(s.ok).padEnd(4)} changed=${String(s.changed).padEnd(4)} ` +
          `unreachable=${String(s.unreachable).padEnd(4)} failed=${String(s.failed).padEnd(4)} skipped=${String(s.skipped).padEnd(4)} ` +
          `rescued=${String(s.rescued).padEnd(4)} ignored=${s.ignored}\n`,
      );
    }
  }

  /** `--profile`, after the recap: the slowest tasks, as Ansible's profile_tasks lists them. */
  profile(entries: readonly ProfileEntry[], top: number, fastPath?: FastPathCounts): void {
    const w = this.o.write;
    const shown = entries.slice(0, Math.max(0, top));
    w(`\n${this.paint("header", this.banner(`TASK PROFILE (slowest ${shown.length} of ${entries.length})`))}\n`);
    const secs = (ms: number) => `${(ms / 1000).toFixed(2)}s`.padStart(9);
    for (const p of shown) {
      const hosts = `${p.hosts} ${p.hosts === 1 ? "host" : "hosts"}`.padEnd(9);
      w(`${secs(p.total_ms)} total ${secs(p.max_ms)} max  ${hosts} ${p.play} : ${p.handler ? "handler: " : ""}${p.task}\n`);
    }
    if (fastPath) {
      const { answered, live, snapshots } = fastPath;
      w(`fast path: ${answered} probe reads answered from ${snapshots} ${snapshots === 1 ? "snapshot" : "snapshots"}, ${live} read live\n`);
    }
  }
}
