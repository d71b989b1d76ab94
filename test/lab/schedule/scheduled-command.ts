import { type RunResult, run } from "../exec.js";
import { readFileSync } from "node:fs";
import { parseSystemdCommand, unitSetting, unitSettings } from "../../../src/schedule/systemd-quote.js";

export type Ran = RunResult;

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
  const [file = "", ...args] = cmd.argv;
  const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: process.env.HOME ?? "/root", ...cmd.env };
  return run(file, args, { cwd: cmd.cwd, env, allowFailure: true });
}

/** Runs a command (this machine) and collects its output. */
export function runCli(argv: string[], cwd: string): Promise<Ran> {
  return runService({ argv, cwd, env: { NO_COLOR: "1" } });
}
