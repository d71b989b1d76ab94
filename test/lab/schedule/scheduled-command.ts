import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseSystemdCommand, unitSetting, unitSettings } from "../../../src/schedule/systemd-quote.js";

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a timer would start: ExecStart's argv, WorkingDirectory and Environment of a .service file. */
export function serviceCommand(serviceFile: string): { argv: string[]; cwd: string; env: Record<string, string> } {
  const text = readFileSync(serviceFile, "utf8");
  const argv = parseSystemdCommand(unitSetting(text, "ExecStart") ?? "");
  const env = Object.fromEntries(
    unitSettings(text, "Environment").map((v) => {
      const kv = parseSystemdCommand(v)[0] ?? "";
      return [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)];
    }),
  );
  return { argv, cwd: unitSetting(text, "WorkingDirectory") ?? "/", env };
}

/** Runs a command as systemd would run the service: that argv, directory and environment only. */
export function runService(cmd: ReturnType<typeof serviceCommand>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const [file = "", ...args] = cmd.argv;
    const child = spawn(file, args, { cwd: cmd.cwd, env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: process.env.HOME ?? "/root", ...cmd.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command (this machine) and collects its output. */
export function runCli(argv: string[], cwd: string): Promise<Ran> {
  return runService({ argv, cwd, env: { NO_COLOR: "1" } });
}
