import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../control-node/write-file.js";
import { HookError } from "./errors.js";
import { HookEvent } from "./events.js";

/**
 * What `hook install` decided, read by every run of the hook: kept in the git directory (never
 * committed, shared by linked worktrees), so the hook script itself stays one line. It holds
 * paths only: no password, no token (a password *file* is a path).
 */
export const HookConfig = z.object({
  version: z.literal(1),
  events: z.array(HookEvent).min(1),
  /** The site file, relative to the top of the repository's tree. */
  site: z.string().min(1),
  /** Patterns of the paths (relative to the site's directory) whose change triggers a run. */
  paths: z.array(z.string()).min(1),
  /** Check (--check --diff) instead of converging. */
  check: z.boolean(),
  /** Run in the foreground: git waits, and the hook's exit status is the converge's. */
  wait: z.boolean(),
  /** With wait: still exit 0 when the converge fails. */
  ignoreFailure: z.boolean(),
  log: z.string().min(1),
  /** post-receive: the branch (refs/heads/NAME) that is converged; else the repository's HEAD branch. */
  branch: z.string().optional(),
  /** post-receive: where the pushed revision is checked out and converged from. */
  workDir: z.string().min(1),
  passwordFile: z.string().optional(),
  lockFile: z.string().optional(),
  /** More arguments for the converge (--limit, -i, --known-hosts, ...). */
  args: z.array(z.string()),
  /** The node and do-converge that the hook scripts run. */
  node: z.string(),
  bin: z.string(),
});
export type HookConfig = z.infer<typeof HookConfig>;

export const CONFIG_FILE = "do-converge-hook.json";
export const DEFAULT_LOG = "do-converge-hook.log";
export const DEFAULT_WORK_DIR = "do-converge-work";

export function configPath(commonDir: string): string {
  return join(commonDir, CONFIG_FILE);
}

export function readHookConfig(commonDir: string): HookConfig | undefined {
  const file = configPath(commonDir);
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new HookError(`${file}: not JSON (${err instanceof Error ? err.message : String(err)}); run \`do-converge hook install\` again`);
  }
  const parsed = HookConfig.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HookError(`${file}: ${issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "invalid"}; run \`do-converge hook install\` again`);
  }
  return parsed.data;
}

export function writeHookConfig(commonDir: string, config: HookConfig): void {
  writeFileAtomic(configPath(commonDir), `${JSON.stringify(config, null, 2)}\n`);
}
