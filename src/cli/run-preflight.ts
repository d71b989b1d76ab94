import { dirname, join } from "node:path";
import { directoryProblem, writeProblem } from "../control-node/write-file.js";
import { ConfigError } from "../runner/errors.js";
import { checkLimit } from "../runner/prepare.js";
import type { RunCommandOptions } from "./run-command.js";

/**
 * A run's options that are wrong whatever the site and the inventory, refused before anything
 * runs: an empty --limit, and report destinations that could not be written. A report written
 * only after the converge would otherwise fail once the hosts were already changed.
 */
export function checkRunOptions(o: Pick<RunCommandOptions, "limit" | "json" | "junit" | "html" | "keepReports">): void {
  checkLimit(o.limit);
  const problems: string[] = [];
  const destination = (flag: string, file: string | undefined) => {
    if (file === undefined) return;
    const problem = file === "" ? "no file named" : writeProblem(file);
    if (problem !== undefined) problems.push(`${flag} ${file}: ${problem}`);
  };
  destination("--json", o.json);
  destination("--junit", o.junit);
  destination("--html", o.html);
  if (o.keepReports !== undefined) {
    if (o.json === undefined) problems.push(`--keep-reports ${o.keepReports}: needs --json FILE (the copies are kept in history/ beside it)`);
    else if (o.json !== "") {
      const problem = directoryProblem(join(dirname(o.json), "history"));
      if (problem !== undefined) problems.push(`--keep-reports ${o.keepReports}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`${problems.join("; ")}: nothing was run`);
}
