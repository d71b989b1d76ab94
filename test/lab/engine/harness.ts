import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { shellQuote } from "../../../src/remote/quote.js";
import { ENTRY } from "../../cli-entry.js";
import { DEPLOY_USER } from "../base.js";
import { labInventory } from "../inventory.js";
import type { Lab } from "../lab.js";
import { type LabSsh, knownKeys, labSsh } from "../ssh.js";

/** What site files in tests import: the library entry, as `import ... from "do-converge"`. */
export const DSL = ENTRY.dsl;

export interface Converge {
  code: number | null;
  stdout: string;
  stderr: string;
  report: Report | undefined;
}

export interface Report {
  exit_code: number;
  recap: Record<string, { ok: number; changed: number; unreachable: number; failed: number; skipped: number; rescued: number; ignored: number }>;
  tasks: { host: string; task: string; status: string; changed: boolean; module: string; msg?: string }[];
}

const REPORT_PREFIX = "report-";

/** A site in a temporary directory: files by relative path, plus an inventory of lab hosts. */
export class TestSite {
  readonly dir: string;

  /** `parent`: where the site's directory is made (default: the system's temporary directory). */
  constructor(
    readonly lab: Lab,
    files: Record<string, string>,
    hosts?: string[],
    parent = tmpdir(),
  ) {
    this.dir = mkdtempSync(join(parent, parent === tmpdir() ? "dcv-site-" : ".scratch-dcv-site-"));
    this.write("inventory.yml", labInventory(lab.topology, lab.keyFile, hosts));
    for (const [path, text] of Object.entries(files)) this.write(path, text.replaceAll("$DSL", DSL));
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), "utf8");
  }

  /** `mode`: 0o600 for a password file (one others can read is refused). */
  write(path: string, text: string, mode?: number): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text, mode === undefined ? {} : { mode });
  }

  /** Runs the do-converge CLI as a real process on site.ts; `--json` is always collected. */
  converge(
    args: string[] = [],
    opts: { onStdout?: (chunk: string) => void; onSpawn?: (child: ChildProcess) => void; site?: string; env?: Record<string, string> } = {},
  ): Promise<Converge> {
    const json = join(this.dir, `${REPORT_PREFIX}${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    const argv = [...ENTRY.node, join(this.dir, opts.site ?? "site.ts"), "--known-hosts", this.lab.knownHostsFile, "--json", json, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, { cwd: this.dir, env: { ...process.env, NO_COLOR: "1", ...opts.env } });
      opts.onSpawn?.(child);
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        opts.onStdout?.(d);
      });
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => {
        let report: Report | undefined;
        try {
          report = JSON.parse(readFileSync(json, "utf8")) as Report;
        } catch {
          report = undefined;
        }
        resolve({ code, stdout, stderr, report });
      });
    });
  }

  /** Every JSON report the runs so far have written, one after another. */
  reports(): string {
    return readdirSync(this.dir)
      .filter((f) => f.startsWith(REPORT_PREFIX))
      .map((f) => readFileSync(join(this.dir, f), "utf8"))
      .join("\n");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Everything a run printed or reported, the JSON report files of the site's runs included. */
export function everything(site: TestSite, r: Converge): string {
  return [r.stdout, r.stderr, site.reports()].join("\n");
}

/** The names of the tasks a run changed, in order. */
export function changedTasks(r: Converge): string[] {
  return r.report?.tasks.filter((t) => t.changed).map((t) => t.task) ?? [];
}

/** Sum of a recap counter over every host. */
export function total(r: Converge, key: keyof Report["recap"][string]): number {
  if (!r.report) throw new Error(`no JSON report; exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return Object.values(r.report.recap).reduce((n, s) => n + s[key], 0);
}

export function explain(r: Converge): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/**
 * Root shells on lab hosts for asserting and drifting state by hand, one SSH session per host
 * (strict host keys), reused across calls. `run(host, cmd)` returns the command's stdout.
 */
export class RootShells {
  private readonly sessions = new Map<string, Promise<LabSsh>>();

  constructor(private readonly lab: Lab) {}

  async run(name: string, cmd: string): Promise<string> {
    let s = this.sessions.get(name);
    if (!s) {
      const h = this.lab.host(name);
      s = labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: this.lab.keyFile, acceptKeys: knownKeys(this.lab.knownHostsFile, name) });
      this.sessions.set(name, s);
    }
    return (await (await s).exec(`sudo -n sh -c ${shellQuote(cmd)}`)).stdout;
  }

  /** Drops a host's session (it was powered off): the next run() connects again. */
  forget(name: string): void {
    const s = this.sessions.get(name);
    this.sessions.delete(name);
    void s?.then((x) => x.close(), () => undefined);
  }

  close(): void {
    for (const s of this.sessions.values()) void s.then((x) => x.close(), () => undefined);
    this.sessions.clear();
  }
}
